package memory

import (
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
)

// SalvageReport says what Salvage could read.
type SalvageReport struct {
	// Records counts the records exported per bucket.
	Records map[string]int `json:"records"`
	// Problems lists what could not be read: broken pages, undecodable
	// records, unreadable meta pages.
	Problems []string `json:"problems,omitempty"`
	// Source says where the buckets were found: "meta" (the newest valid
	// meta page), "older meta", or "page scan" when both meta pages were
	// unreadable.
	Source string `json:"source"`
}

// Salvage reads the Bolt file at path without Bolt and without the lock,
// walking every page it can still trust, and writes what it finds as an
// export (a Dump) to w. It reads damaged files that Open refuses: a broken
// page loses the records on it and below it, not the rest. Import the
// output into a fresh store to recover. The error is non-nil only when
// nothing could be read or w failed.
func Salvage(path string, w io.Writer) (SalvageReport, error) {
	rep := SalvageReport{Records: map[string]int{}}
	data, err := os.ReadFile(path)
	if err != nil {
		return rep, fmt.Errorf("memory: salvage %s: %w", path, err)
	}
	rf := &rawFile{data: data, seen: map[uint64]bool{}}
	records := map[string]map[string][]byte{}
	for _, b := range dataBuckets {
		records[string(b)] = map[string][]byte{}
	}
	collect := func(bucket string, k, v []byte) {
		m := records[bucket]
		if _, dup := m[string(k)]; !dup {
			m[string(k)] = append([]byte(nil), v...)
		}
	}
	rep.Source = rf.walkMetas(readMetas(data, &rep.Problems), collect, &rep.Problems)
	if rep.Source == "" {
		// No meta page leads anywhere: look for the root bucket's page.
		rep.Source = "page scan"
		rf.scanPages(collect, &rep.Problems)
	}
	d, total := dumpRecords(records, &rep)
	if total == 0 && len(rep.Problems) > 0 {
		return rep, fmt.Errorf("%w: nothing could be salvaged from %s: %s", ErrCorrupt, path, rep.Problems[0])
	}
	if err := writeDump(w, d); err != nil {
		return rep, err
	}
	return rep, nil
}

// readMetas reads the file's two meta pages that parse, the newest first.
func readMetas(data []byte, problems *[]string) []boltMeta {
	var metas []boltMeta
	for i, off := range []int{0, -1} {
		if off < 0 {
			if len(metas) == 0 || metas[0].pageSize == 0 {
				off = 4096
			} else {
				off = int(metas[0].pageSize)
			}
		}
		if off+pageHeaderSize+metaChecksumOff+8 > len(data) {
			*problems = append(*problems, fmt.Sprintf("meta page %d: beyond the end of the file", i))
			continue
		}
		m, err := parseMeta(data[off+pageHeaderSize:])
		if err != nil {
			*problems = append(*problems, fmt.Sprintf("meta page %d: %v", i, err))
			continue
		}
		metas = append(metas, m)
	}
	sort.Slice(metas, func(i, j int) bool { return metas[i].txid > metas[j].txid })
	return metas
}

// walkMetas collects the records reachable from each meta page's root,
// the newest first, stopping after the newest when it reads cleanly (older
// pages may have been reused). It returns which meta led anywhere ("meta",
// "older meta") or "".
func (rf *rawFile) walkMetas(metas []boltMeta, collect func(bucket string, k, v []byte), problems *[]string) string {
	source := ""
	for i, m := range metas {
		rf.pageSize = int(m.pageSize)
		rf.seen = map[uint64]bool{}
		roots := rf.bucketRoots(m.root, problems)
		if len(roots) == 0 {
			continue
		}
		if source == "" {
			source = "meta"
			if i > 0 {
				source = "older meta"
			}
		}
		for name, ref := range roots {
			rf.walkBucket(name, ref, collect, problems)
		}
		if i == 0 && len(*problems) == 0 {
			break
		}
	}
	return source
}

// scanPages tries every page as the root bucket's, for each usual page
// size until one finds buckets.
func (rf *rawFile) scanPages(collect func(bucket string, k, v []byte), problems *[]string) {
	for _, ps := range []int{4096, 8192, 16384, 65536} {
		rf.pageSize = ps
		found := false
		for id := uint64(2); int(id)*ps+pageHeaderSize <= len(rf.data); id++ {
			rf.seen = map[uint64]bool{}
			var probs []string
			roots := rf.bucketRoots(id, &probs)
			if len(roots) == 0 {
				continue
			}
			found = true
			for name, ref := range roots {
				rf.walkBucket(name, ref, collect, problems)
			}
		}
		if found {
			return
		}
	}
}

// dumpRecords puts the collected records in an export, in key order,
// counting them per bucket in rep; it returns the export and the count.
func dumpRecords(records map[string]map[string][]byte, rep *SalvageReport) (*Dump, int) {
	d := newDump()
	total := 0
	for _, b := range dataBuckets {
		name := string(b)
		for _, k := range slices.Sorted(maps.Keys(records[name])) {
			if err := d.addRecord(name, []byte(k), records[name][k]); err != nil {
				rep.Problems = append(rep.Problems, err.Error())
				continue
			}
			rep.Records[name]++
			total++
		}
	}
	return d, total
}

// Bolt page layout (go.etcd.io/bbolt, file format version 2): a 16-byte
// header (id u64, flags u16, count u16, overflow u32) and then elements of
// 16 bytes: leaf (flags u32, pos u32, ksize u32, vsize u32) or branch (pos
// u32, ksize u32, pgid u64), pos counting from the element itself.
const (
	flagBranch    = 0x01
	flagLeaf      = 0x02
	bucketLeaf    = 0x01
	elemSize      = 16
	bucketHdrSize = 16
	maxDepth      = 64
)

type rawFile struct {
	data     []byte
	pageSize int
	seen     map[uint64]bool
}

// page returns page id with its overflow pages.
func (f *rawFile) page(id uint64) ([]byte, error) {
	off := int64(id) * int64(f.pageSize)
	if id < 2 || off+pageHeaderSize > int64(len(f.data)) {
		return nil, fmt.Errorf("page %d is beyond the end of the file", id)
	}
	hdr := f.data[off:]
	if got := binary.LittleEndian.Uint64(hdr); got != id {
		return nil, fmt.Errorf("page %d carries id %d (overwritten)", id, got)
	}
	overflow := int64(binary.LittleEndian.Uint32(hdr[12:]))
	end := off + (overflow+1)*int64(f.pageSize)
	if end > int64(len(f.data)) {
		return nil, fmt.Errorf("page %d runs past the end of the file", id)
	}
	return f.data[off:end], nil
}

type bucketRef struct {
	root   uint64
	inline []byte
}

// elements decodes the elements of a page held in p, checking every bound.
func elements(p []byte, visit func(flags uint32, k, v []byte, child uint64)) error {
	if len(p) < pageHeaderSize {
		return fmt.Errorf("short page")
	}
	flags := binary.LittleEndian.Uint16(p[8:])
	count := int(binary.LittleEndian.Uint16(p[10:]))
	if pageHeaderSize+count*elemSize > len(p) {
		return fmt.Errorf("page claims %d elements, more than fit", count)
	}
	for i := 0; i < count; i++ {
		e := pageHeaderSize + i*elemSize
		le := binary.LittleEndian
		switch flags {
		case flagLeaf:
			ef, pos, ks, vs := le.Uint32(p[e:]), int(le.Uint32(p[e+4:])), int(le.Uint32(p[e+8:])), int(le.Uint32(p[e+12:]))
			start := e + pos
			if pos < 0 || ks < 0 || vs < 0 || start+ks+vs > len(p) || start < e {
				return fmt.Errorf("element %d points outside its page", i)
			}
			visit(ef, p[start:start+ks], p[start+ks:start+ks+vs], 0)
		case flagBranch:
			pos, ks, child := int(le.Uint32(p[e:])), int(le.Uint32(p[e+4:])), le.Uint64(p[e+8:])
			start := e + pos
			if start+ks > len(p) || start < e {
				return fmt.Errorf("element %d points outside its page", i)
			}
			visit(0, p[start:start+ks], nil, child)
		default:
			return fmt.Errorf("page has type %#x, not a branch or leaf", flags)
		}
	}
	return nil
}

// walk visits the leaf elements of the tree rooted at page id.
func (f *rawFile) walk(id uint64, depth int, visit func(flags uint32, k, v []byte)) error {
	if depth > maxDepth {
		return fmt.Errorf("page %d: tree deeper than %d", id, maxDepth)
	}
	if f.seen[id] {
		return fmt.Errorf("page %d: reached twice (a cycle)", id)
	}
	f.seen[id] = true
	p, err := f.page(id)
	if err != nil {
		return err
	}
	var children []uint64
	if err := elements(p, func(flags uint32, k, v []byte, child uint64) {
		if child != 0 {
			children = append(children, child)
			return
		}
		visit(flags, k, v)
	}); err != nil {
		return fmt.Errorf("page %d: %w", id, err)
	}
	var errs []string
	for _, c := range children {
		if err := f.walk(c, depth+1, visit); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", joinMax(errs, 5))
	}
	return nil
}

func joinMax(ss []string, n int) string {
	if len(ss) > n {
		ss = append(ss[:n:n], fmt.Sprintf("and %d more", len(ss)-n))
	}
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += "; "
		}
		out += s
	}
	return out
}

// bucketRoots reads the root bucket's tree at page id and returns the
// store's buckets found there.
func (f *rawFile) bucketRoots(id uint64, problems *[]string) map[string]bucketRef {
	known := map[string]bool{}
	for _, b := range dataBuckets {
		known[string(b)] = true
	}
	out := map[string]bucketRef{}
	err := f.walk(id, 0, func(flags uint32, k, v []byte) {
		if flags&bucketLeaf == 0 || !known[string(k)] || len(v) < bucketHdrSize {
			return
		}
		ref := bucketRef{root: binary.LittleEndian.Uint64(v)}
		if ref.root == 0 {
			ref.inline = v[bucketHdrSize:]
		}
		out[string(k)] = ref
	})
	if err != nil && problems != nil {
		*problems = append(*problems, "root bucket: "+err.Error())
	}
	return out
}

// walkBucket collects the key/values of one bucket.
func (f *rawFile) walkBucket(name string, ref bucketRef, collect func(bucket string, k, v []byte), problems *[]string) {
	visit := func(flags uint32, k, v []byte) {
		if flags&bucketLeaf != 0 {
			return // the store has no nested buckets
		}
		collect(name, k, v)
	}
	var err error
	if ref.root == 0 {
		err = elements(ref.inline, func(flags uint32, k, v []byte, child uint64) { visit(flags, k, v) })
	} else {
		err = f.walk(ref.root, 0, visit)
	}
	if err != nil {
		*problems = append(*problems, fmt.Sprintf("bucket %s: %v", name, err))
	}
}
