package report

import (
	"testing"

	"example.com/demo/pkg/inventory"
)

func TestLine(t *testing.T) {
	items := []inventory.Item{{SKU: "a", Count: 2}}
	if got := Line(items); got != "2 in stock" {
		t.Fatalf("got %q", got)
	}
	if err := inventory.Take(items, "zz", 1); err == nil {
		t.Fatal("took an unknown sku")
	}
}
