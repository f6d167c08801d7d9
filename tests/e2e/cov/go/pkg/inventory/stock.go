// Package inventory is a small package for the Go coverage test: a few
// branches, a loop, and a function its test never calls.
package inventory

import "errors"

// Item is one line of stock.
type Item struct {
	SKU   string
	Count int
}

// ErrUnknown is returned for a SKU that is not in stock.
var ErrUnknown = errors.New("unknown sku")

// Take removes n of sku from items.
func Take(items []Item, sku string, n int) error {
	if n <= 0 {
		return errors.New("count must be positive")
	}
	for i := range items {
		if items[i].SKU != sku {
			continue
		}
		if items[i].Count < n {
			return errors.New("not enough stock")
		}
		items[i].Count -= n
		return nil
	}
	return ErrUnknown
}

// Total is the number of items in stock.
func Total(items []Item) int {
	sum := 0
	for _, it := range items {
		sum += it.Count
	}
	return sum
}

// Restock is never called by the test.
func Restock(items []Item, sku string, n int) []Item {
	for i := range items {
		if items[i].SKU == sku {
			items[i].Count += n
			return items
		}
	}
	return append(items, Item{SKU: sku, Count: n})
}
