// A small ESM module for the c8 coverage test: branches taken one way only
// and a function the test never calls.
export function discount(total, code) {
	if (total <= 0) {
		return 0;
	}
	let off = 0;
	if (code === 'TEN') {
		off = total * 0.1;
	} else if (code === 'HALF') {
		off = total / 2;
	}
	return total - off;
}

export function shipping(weight) {
	return weight > 20 ? 15 : 5;
}

export function loyalty(points) {
	// Never called by the test.
	if (points > 1000) {
		return 'gold';
	}
	return 'silver';
}
