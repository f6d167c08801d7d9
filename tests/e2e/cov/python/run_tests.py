# Exercises part of shipping.py, as a test suite would.
import shipping

assert shipping.shipping_cost(2) == 8.0
assert shipping.shipping_cost(2, express=True) == 16.0
assert shipping.zone("BW") == 2
assert shipping.zone("ZA") == 1
print("ok")
