package worker

import (
	"bufio"
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/concbench/concbench/workloads"
)

// TestSpecRoundTrip sets every field of workloads.Spec to a value of its
// own (by reflection, so a field added to Spec is set too) and reads back
// what the hello wrote: a field the codec forgets comes back zero.
func TestSpecRoundTrip(t *testing.T) {
	var spec workloads.Spec
	v := reflect.ValueOf(&spec).Elem()
	for k := range v.NumField() {
		f, name := v.Field(k), v.Type().Field(k).Name
		if !f.CanSet() {
			continue
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString(name + "-é") // any text, not only ASCII
		case reflect.Int, reflect.Int64:
			f.SetInt(int64(-1000 - k)) // signed: a negative value survives
		case reflect.Float64:
			f.SetFloat(0.125 + float64(k))
		case reflect.Map:
			m := reflect.MakeMap(f.Type())
			m.SetMapIndex(reflect.ValueOf("b").Convert(f.Type().Key()), reflect.ValueOf("2").Convert(f.Type().Elem()))
			m.SetMapIndex(reflect.ValueOf("a").Convert(f.Type().Key()), reflect.ValueOf("").Convert(f.Type().Elem()))
			f.Set(m)
		case reflect.Slice:
			s := reflect.MakeSlice(f.Type(), 3, 3)
			for j := range 3 {
				s.Index(j).SetInt(int64(j*1000 - 1))
			}
			f.Set(s)
		default:
			t.Fatalf("Spec.%s is a %s: teach writeSpec and readSpec (spec.go) and this test to carry it", name, f.Kind())
		}
	}
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	if err := WriteHello(w, Hello{Version: Version, Spec: spec, PerProcess: 3, ID: 7}); err != nil {
		t.Fatal(err)
	}
	h, err := ReadHello(bufio.NewReader(&b))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(h.Spec, spec) {
		t.Errorf("spec came back as\n%+v\nwant\n%+v", h.Spec, spec)
	}
	if h.PerProcess != 3 || h.ID != 7 {
		t.Errorf("per process %d, id %d: want 3, 7", h.PerProcess, h.ID)
	}

	// The zero spec comes back zero: no empty map or list where none was.
	b.Reset()
	WriteHello(w, Hello{Version: Version})
	if h, err := ReadHello(bufio.NewReader(&b)); err != nil || !reflect.DeepEqual(h.Spec, workloads.Spec{}) {
		t.Errorf("zero spec came back as %+v, %v", h.Spec, err)
	}
}

// TestSpecLimits: counts past the protocol's limits are refused before
// anything is allocated for them.
func TestSpecLimits(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec func(w *bufio.Writer)
		want string
	}{
		{"parameters", func(w *bufio.Writer) { writeString(w, "sleep"); writeVarint(w, 1); writeUvarint(w, maxSpecParams+1) }, "parameters"},
		{"indices", func(w *bufio.Writer) {
			writeString(w, "sleep")
			writeVarint(w, 1)
			writeUvarint(w, 0) // params
			for range 5 {      // conns, fail rate, timeout, retries, backoff
				writeUvarint(w, 0)
			}
			writeUvarint(w, 1<<40) // panic_at
		}, "task indices"},
		{"cut short", func(w *bufio.Writer) { writeString(w, "sleep") }, "EOF"},
	} {
		var b bytes.Buffer
		w := bufio.NewWriter(&b)
		w.WriteString(magic)
		writeUvarint(w, Version)
		tc.spec(w)
		w.Flush()
		_, err := ReadHello(bufio.NewReader(&b))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error about %q", tc.name, err, tc.want)
		}
	}
}
