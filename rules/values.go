package rules

import (
	"errors"
	"reflect"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
)

// A condition reads components, surfaces, flows, assets and identities
// through record values: CEL maps whose fields are read from the model's
// structs (and the graph's indexes) when a condition asks for them,
// instead of a map[string]any copied from every element up front. The
// field names and values are the same as those of a map (elements.go
// lists them; TestRecordsMatchMaps compares the two on every built-in
// rule), so conditions, built-in or custom, cannot tell the difference;
// a run no longer holds a second copy of the model.

// schema describes one kind of record: its field names, in a fixed order,
// and how to read a field of the element at a position.
type schema struct {
	keys []string
	// field returns the value of key for r, and false for a key the kind
	// does not have.
	field func(r record, key string) (ref.Val, bool)
}

// record is one element seen as a CEL map. i is the element's position in
// the model's slice of its kind; -1 stands for the empty element (the
// component of an element that has none).
type record struct {
	g *graph
	s *schema
	i int32
}

var (
	_ traits.Mapper = record{}
	_ traits.Lister = recList{}
)

// Find implements traits.Mapper.
func (r record) Find(key ref.Val) (ref.Val, bool) {
	k, ok := key.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(key), false
	}
	return r.s.field(r, string(k))
}

// Get implements traits.Indexer.
func (r record) Get(key ref.Val) ref.Val {
	v, found := r.Find(key)
	if !found {
		return types.ValOrErr(v, "no such key: %v", key)
	}
	return v
}

// Contains implements traits.Container: whether the record has the key.
func (r record) Contains(key ref.Val) ref.Val {
	_, found := r.Find(key)
	return types.Bool(found)
}

// Size implements traits.Sizer.
func (r record) Size() ref.Val { return types.Int(len(r.s.keys)) }

// Iterator implements traits.Iterable: the field names.
func (r record) Iterator() traits.Iterator { return &keyIter{keys: r.s.keys} }

// IsZeroValue implements traits.Zeroer; a record is never an empty map.
func (r record) IsZeroValue() bool { return len(r.s.keys) == 0 }

// Type implements ref.Val: a record is a map.
func (r record) Type() ref.Type { return types.MapType }

// ConvertToType implements ref.Val as a map does.
func (r record) ConvertToType(t ref.Type) ref.Val { return convertAs(r, types.MapType, t) }

// convertAs converts v, which CEL sees as a value of type own, to t as
// CEL's own values of that type convert: to itself, or to its type.
func convertAs(v ref.Val, own *types.Type, t ref.Type) ref.Val {
	switch t {
	case own:
		return v
	case types.TypeType:
		return own
	}
	return types.NewErr("type conversion error from '%s' to '%s'", own, t)
}

// Equal implements ref.Val as a map does: the same keys with equal values.
func (r record) Equal(other ref.Val) ref.Val {
	o, ok := other.(traits.Mapper)
	if !ok {
		return types.False
	}
	if o.Size() != r.Size() {
		return types.False
	}
	for _, k := range r.s.keys {
		v, _ := r.s.field(r, k)
		ov, found := o.Find(types.String(k))
		if !found || types.Equal(v, ov) == types.False {
			return types.False
		}
	}
	return types.True
}

// Value implements ref.Val: the record as a map[string]any of native
// values.
func (r record) Value() any {
	out := make(map[string]any, len(r.s.keys))
	for _, k := range r.s.keys {
		v, _ := r.s.field(r, k)
		out[k] = v.Value()
	}
	return out
}

// ConvertToNative implements ref.Val through the map of native values.
func (r record) ConvertToNative(t reflect.Type) (any, error) {
	return r.materialize().ConvertToNative(t)
}

func (r record) materialize() traits.Mapper {
	m := make(map[ref.Val]ref.Val, len(r.s.keys))
	for _, k := range r.s.keys {
		v, _ := r.s.field(r, k)
		m[types.String(k)] = v
	}
	return types.NewRefValMap(types.DefaultTypeAdapter, m)
}

var errIteratorConversion = errors.New("type conversion on iterators not supported")

type keyIter struct {
	keys []string
	next int
}

func (it *keyIter) HasNext() ref.Val { return types.Bool(it.next < len(it.keys)) }

func (it *keyIter) Next() ref.Val {
	if it.next >= len(it.keys) {
		return nil
	}
	it.next++
	return types.String(it.keys[it.next-1])
}

func (*keyIter) ConvertToNative(reflect.Type) (any, error) {
	return nil, errIteratorConversion
}
func (*keyIter) ConvertToType(ref.Type) ref.Val { return types.NewErr("no such overload") }
func (*keyIter) Equal(ref.Val) ref.Val          { return types.NewErr("no such overload") }
func (*keyIter) Type() ref.Type                 { return types.IteratorType }
func (*keyIter) Value() any                     { return nil }

// recList is a CEL list of records of one kind, by position: the flows
// into a component, the assets of an element, every surface of the model.
// Its records are made as the condition reaches them.
type recList struct {
	g   *graph
	s   *schema
	idx []int32
}

func (l recList) at(i int) record { return record{g: l.g, s: l.s, i: l.idx[i]} }

// Get implements traits.Indexer.
func (l recList) Get(index ref.Val) ref.Val {
	i, err := types.IndexOrError(index)
	if err != nil {
		return types.ValOrErr(index, "%v", err)
	}
	if i < 0 || i >= len(l.idx) {
		return types.NewErr("index '%d' out of range in list size '%d'", i, len(l.idx))
	}
	return l.at(i)
}

// Size implements traits.Sizer.
func (l recList) Size() ref.Val { return types.Int(len(l.idx)) }

// Iterator implements traits.Iterable.
func (l recList) Iterator() traits.Iterator { return &recIter{l: l} }

// Contains implements traits.Container.
func (l recList) Contains(elem ref.Val) ref.Val {
	for i := range l.idx {
		if elem.Equal(l.at(i)) == types.True {
			return types.True
		}
	}
	return types.False
}

// Add implements traits.Adder: the concatenation, as for any list.
func (l recList) Add(other ref.Val) ref.Val { return l.materialize().Add(other) }

// IsZeroValue implements traits.Zeroer.
func (l recList) IsZeroValue() bool { return len(l.idx) == 0 }

// Type implements ref.Val.
func (l recList) Type() ref.Type { return types.ListType }

// ConvertToType implements ref.Val as a list does.
func (l recList) ConvertToType(t ref.Type) ref.Val { return convertAs(l, types.ListType, t) }

// Equal implements ref.Val as a list does.
func (l recList) Equal(other ref.Val) ref.Val { return l.materialize().Equal(other) }

// Value implements ref.Val: the records' native values.
func (l recList) Value() any {
	out := make([]any, len(l.idx))
	for i := range l.idx {
		out[i] = l.at(i).Value()
	}
	return out
}

// ConvertToNative implements ref.Val.
func (l recList) ConvertToNative(t reflect.Type) (any, error) {
	return l.materialize().ConvertToNative(t)
}

func (l recList) materialize() traits.Lister {
	vals := make([]ref.Val, len(l.idx))
	for i := range l.idx {
		vals[i] = l.at(i)
	}
	return types.NewRefValList(types.DefaultTypeAdapter, vals)
}

type recIter struct {
	l    recList
	next int
}

func (it *recIter) HasNext() ref.Val { return types.Bool(it.next < len(it.l.idx)) }

func (it *recIter) Next() ref.Val {
	if it.next >= len(it.l.idx) {
		return nil
	}
	it.next++
	return it.l.at(it.next - 1)
}

func (*recIter) ConvertToNative(reflect.Type) (any, error) {
	return nil, errIteratorConversion
}
func (*recIter) ConvertToType(ref.Type) ref.Val { return types.NewErr("no such overload") }
func (*recIter) Equal(ref.Val) ref.Val          { return types.NewErr("no such overload") }
func (*recIter) Type() ref.Type                 { return types.IteratorType }
func (*recIter) Value() any                     { return nil }

// Field values as a map[string]any holding them would give them to CEL.

func strList(s []string) ref.Val {
	if s == nil {
		return noStrings
	}
	return types.NewStringList(types.DefaultTypeAdapter, s)
}

// noStrings is the value of a list field that holds nothing (nil): most
// elements leave most of their list fields out, and a value made for
// each read of one was a large part of what the rules allocate. CEL's
// lists are immutable, so one serves every read.
var noStrings = types.NewStringList(types.DefaultTypeAdapter, nil)

func optBoolVal(b *bool) ref.Val {
	if b == nil {
		return types.NullValue
	}
	return types.Bool(*b)
}
