# A small module for the coverage.py test: branches taken one way only and
# a function the test never calls.


def shipping_cost(weight_kg, express=False):
    if weight_kg <= 0:
        raise ValueError("weight must be positive")
    cost = 5.0 + 1.5 * weight_kg
    if express:
        cost *= 2
    if weight_kg > 30:
        cost += 20
    return round(cost, 2)


def zone(country):
    zones = {"ZA": 1, "NA": 1, "BW": 2}
    for code, number in zones.items():
        if code == country:
            return number
    return 3


def refund(cost, reason):
    # Never called by the test.
    if reason == "damaged":
        return cost
    return cost / 2
