package memory

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// bigStore writes a store whose runs bucket spans many pages, and returns
// its path (closed) and what it holds.
func bigStore(t *testing.T) (string, *Dump) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "memory.db")
	s, err := Open(path, Options{NoSync: true, Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	fillStore(t, s)
	for i := range 300 {
		if err := s.RecordRun(Run{ID: fmt.Sprintf("run-%04d", i), Task: strings.Repeat("a long task text ", 20), Outcome: "success"}); err != nil {
			t.Fatal(err)
		}
	}
	d, err := s.Dump()
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path, d
}

func salvage(t *testing.T, path string) (*Dump, SalvageReport) {
	t.Helper()
	var buf bytes.Buffer
	rep, err := Salvage(path, &buf)
	if err != nil {
		t.Fatalf("Salvage: %v (report %+v)", err, rep)
	}
	// The output is an import.
	fresh := openTemp(t, Options{NoSync: true})
	if _, err := fresh.Import(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatalf("the salvage output does not import: %v", err)
	}
	d, err := fresh.Dump()
	if err != nil {
		t.Fatal(err)
	}
	return d, rep
}

func pageSizeOf(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := readMeta(f)
	if err != nil {
		t.Fatal(err)
	}
	return int(m.pageSize)
}

func overwrite(t *testing.T, path string, page, pageSize int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	junk := bytes.Repeat([]byte{0xAB}, pageSize)
	if _, err := f.WriteAt(junk, int64(page*pageSize)); err != nil {
		t.Fatal(err)
	}
}

func wantCorrupt(t *testing.T, path string) {
	t.Helper()
	_, err := Open(path, Options{})
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open of a damaged file = %v; want ErrCorrupt", err)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "Salvage") {
		t.Errorf("the error should name the file and the salvage fix: %v", err)
	}
}

func TestSalvageOfAHealthyFileIsComplete(t *testing.T) {
	path, want := bigStore(t)
	got, rep := salvage(t, path)
	if len(rep.Problems) != 0 || rep.Source != "meta" {
		t.Errorf("report = %+v", rep)
	}
	if got.Count() != want.Count() || len(got.Runs) != 301 {
		t.Errorf("salvaged %d records, the store held %d", got.Count(), want.Count())
	}
}

func TestBothMetaPagesOverwritten(t *testing.T) {
	path, want := bigStore(t)
	ps := pageSizeOf(t, path)
	overwrite(t, path, 0, ps)
	overwrite(t, path, 1, ps)
	wantCorrupt(t, path)
	got, rep := salvage(t, path)
	t.Logf("salvaged %v; problems: %v", rep.Records, rep.Problems)
	if rep.Source != "page scan" {
		t.Errorf("source = %q", rep.Source)
	}
	if len(got.Tips) != len(want.Tips) || len(got.Shortcuts) != 1 || len(got.Runs) == 0 {
		t.Errorf("salvaged %d tips, %d shortcuts, %d runs; want %d tips, 1 shortcut and the runs", len(got.Tips), len(got.Shortcuts), len(got.Runs), len(want.Tips))
	}
}

func TestTruncatedFile(t *testing.T) {
	path, want := bigStore(t)
	st, _ := os.Stat(path)
	if err := os.Truncate(path, st.Size()/2); err != nil {
		t.Fatal(err)
	}
	wantCorrupt(t, path)
	var buf bytes.Buffer
	rep, err := Salvage(path, &buf)
	if err != nil {
		// Everything may sit in the lost half; then the error must say so.
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("Salvage = %v", err)
		}
		return
	}
	if len(rep.Problems) == 0 {
		t.Errorf("salvage of a truncated file reports no problem")
	}
	t.Logf("salvaged %v; problems: %v", rep.Records, rep.Problems)
	var n int
	for _, c := range rep.Records {
		n += c
	}
	if n == 0 || n >= want.Count() {
		t.Errorf("salvaged %d of %d records from half a file", n, want.Count())
	}
}

// A broken leaf page of the runs bucket loses the runs on it, nothing else.
func TestOverwrittenDataPage(t *testing.T) {
	path, want := bigStore(t)
	ps := pageSizeOf(t, path)
	// Find a leaf page under the runs bucket.
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var leaf uint64
	db.View(func(tx *bolt.Tx) error {
		root := uint64(tx.Bucket(bucketRuns).Root())
		data, _ := os.ReadFile(path)
		rf := &rawFile{data: data, pageSize: ps}
		p, err := rf.page(root)
		if err != nil {
			t.Fatal(err)
		}
		if binary.LittleEndian.Uint16(p[8:]) != flagBranch {
			t.Fatal("the runs bucket should span several pages")
		}
		elements(p, func(_ uint32, _, _ []byte, child uint64) {
			if leaf == 0 {
				leaf = child
			}
		})
		return nil
	})
	db.Close()
	overwrite(t, path, int(leaf), ps)
	wantCorrupt(t, path)
	got, rep := salvage(t, path)
	if len(rep.Problems) == 0 || !strings.Contains(strings.Join(rep.Problems, " "), "runs") {
		t.Errorf("problems = %v; want the broken runs page reported", rep.Problems)
	}
	if len(got.Tips) != len(want.Tips) || len(got.Shortcuts) != len(want.Shortcuts) || len(got.Screens) != len(want.Screens) || len(got.Bench) != len(want.Bench) {
		t.Errorf("other buckets lost records: %d/%d tips, %d/%d shortcuts", len(got.Tips), len(want.Tips), len(got.Shortcuts), len(want.Shortcuts))
	}
	if len(got.Runs) == 0 || len(got.Runs) >= len(want.Runs) {
		t.Errorf("salvaged %d of %d runs; want all but the broken page's", len(got.Runs), len(want.Runs))
	}
}

func TestNotABoltFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "memory.db")
	os.WriteFile(path, bytes.Repeat([]byte("not a database "), 2000), 0o600)
	wantCorrupt(t, path)
	if _, err := Salvage(path, &bytes.Buffer{}); err == nil {
		t.Errorf("salvage of a text file found something")
	}
}
