package inventory

import "testing"

func TestTake(t *testing.T) {
	items := []Item{{"a", 3}, {"b", 1}}
	if err := Take(items, "b", 1); err != nil {
		t.Fatal(err)
	}
	if err := Take(items, "a", 5); err == nil {
		t.Fatal("took more than there was")
	}
	if Total(items) != 3 {
		t.Fatal("wrong total")
	}
}
