// Package report uses inventory, so that a -coverpkg=./... run measures
// inventory from two test binaries and writes its blocks twice.
package report

import (
	"fmt"

	"example.com/demo/pkg/inventory"
)

// Line describes the stock in one line of text.
func Line(items []inventory.Item) string {
	n := inventory.Total(items)
	if n == 0 {
		return "out of stock"
	}
	return fmt.Sprintf("%d in stock", n)
}
