package sim

import (
	"encoding/json"
	"fmt"
	"image"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/mobagent/mobagent/sim/vfs"
)

// Files (DocumentsUI): browses the phone's shared storage (/sdcard). It opens
// on Downloads; "Show roots" offers Images, Downloads and the whole internal
// storage. A file opens in a preview; a long press selects it, and Delete
// (after a confirmation) removes the selected files from the storage.

const filesPkg = "com.google.android.documentsui"

func init() {
	RegisterApp(&App{Package: filesPkg, Label: "Files", MainActivity: "com.android.documentsui.files.FilesActivity", System: true,
		IconBg: rgb(0x1a, 0x73, 0xe8), IconGlyph: "F", Launch: func(p *Phone) *Activity { return filesBrowser(filesRoots[0]) },
		NewData: func(p *Phone) any { return &filesData{fs: p.fs, Deleted: []string{}} }})
}

// filesData is Files' state: the files deleted with it, and (read from the
// storage when the state is taken) every file on /sdcard.
type filesData struct {
	fs      *vfs.FS
	Deleted []string
}

// StorageFile is a file on the shared storage.
type StorageFile struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
}

// MarshalJSON reports the deleted files and the storage's files, sorted.
func (d *filesData) MarshalJSON() ([]byte, error) {
	files := []StorageFile{}
	walkFiles(d.fs.Privileged(), "/sdcard", func(name string, info fs.FileInfo) {
		files = append(files, StorageFile{Path: name, Size: info.Size()})
	})
	return json.Marshal(struct {
		Files   []StorageFile `json:"files"`
		Deleted []string      `json:"deleted"`
	}{files, d.Deleted})
}

func filesOf(p *Phone) *filesData { return p.appState[filesPkg].(*filesData) }

// filesRoot is a place Files can show.
type filesRoot struct {
	title string
	dir   string // "" for Images: every picture on the storage
}

var filesRoots = []filesRoot{{"Downloads", "/sdcard/Download"}, {"Images", ""}, {"Internal storage", "/sdcard"}}

// filesEntry is a row of the list.
type filesEntry struct {
	path  string
	dir   bool
	size  int64
	mtime time.Time
}

func filesList(p *Phone, root filesRoot, dir string) []filesEntry {
	fsys := p.fs.Privileged()
	var out []filesEntry
	if root.dir == "" {
		walkFiles(fsys, "/sdcard", func(name string, info fs.FileInfo) {
			if imageExts[strings.ToLower(path.Ext(name))] {
				out = append(out, filesEntry{path: name, size: info.Size(), mtime: info.ModTime()})
			}
		})
		sort.SliceStable(out, func(i, j int) bool { return out[i].mtime.After(out[j].mtime) })
		return out
	}
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		return nil
	}
	for _, de := range entries {
		info, err := de.Info()
		if err != nil {
			continue
		}
		out = append(out, filesEntry{path: path.Join(dir, de.Name()), dir: de.IsDir(), size: info.Size(), mtime: info.ModTime()})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].dir != out[j].dir {
			return out[i].dir
		}
		return strings.ToLower(out[i].path) < strings.ToLower(out[j].path)
	})
	return out
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// deleteFiles removes files from the storage, and from Photos if it shows
// them. Callers hold p.mu.
func deleteFiles(p *Phone, paths []string) {
	fsys := p.fs.Privileged()
	d := filesOf(p)
	ph := photosOf(p)
	for _, name := range paths {
		if err := fsys.Remove(name); err != nil {
			continue
		}
		d.Deleted = append(d.Deleted, name)
		for i, x := range ph.Photos {
			if x.Path == name {
				ph.Photos = append(ph.Photos[:i], ph.Photos[i+1:]...)
				ph.Deleted = append(ph.Deleted, x)
				break
			}
		}
	}
}

// filesBrowser shows a root, and dir inside it (the root's own dir at first).
func filesBrowser(root filesRoot) *Activity {
	dir := root.dir
	selected := map[string]bool{}
	a := &Activity{App: lookupApp(filesPkg), Name: "com.android.documentsui.files.FilesActivity", Title: root.title}
	a.OnBack = func(p *Phone) bool {
		switch {
		case len(selected) > 0:
			clear(selected)
		case root.dir != "" && dir != root.dir:
			dir = path.Dir(dir)
		default:
			return false
		}
		p.changed()
		return true
	}
	a.Info = func(p *Phone) map[string]any {
		sel := make([]string, 0, len(selected))
		for k := range selected {
			sel = append(sel, k)
		}
		sort.Strings(sel)
		return map[string]any{"root": root.title, "dir": dir, "selected": sel}
	}
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		rootN := screenRoot(t, r)
		col := newColumn(r)
		bar := col.next(t.Dp(64))
		tb := &Node{Class: "android.view.ViewGroup", ResourceID: filesPkg + ":id/toolbar", Bounds: bar, Style: Style{Bg: t.Background}}
		entries := filesList(p, root, dir)
		if len(selected) > 0 {
			var chosen []string
			for _, e := range entries {
				if selected[e.path] {
					chosen = append(chosen, e.path)
				}
			}
			tb.Add(&Node{Class: "android.widget.ImageButton", ContentDesc: "Clear selection", Text: "X", Bounds: image.Rect(bar.Min.X, bar.Min.Y, bar.Min.X+bar.Dy(), bar.Max.Y),
				OnClick: func(p *Phone) { clear(selected); p.changed() }, Style: Style{Center: true, TextSize: t.Title}})
			tb.Add(textView(image.Rect(bar.Min.X+bar.Dy(), bar.Min.Y, bar.Max.X-t.Dp(112), bar.Max.Y), filesPkg+":id/selection_count", fmt.Sprintf("%d selected", len(chosen)),
				Style{TextSize: t.Dp(20), PadX: t.Dp(8)}))
			tb.Add(iconButton(t, image.Rect(bar.Max.X-t.Dp(112), bar.Min.Y+t.Dp(8), bar.Max.X-t.Dp(64), bar.Max.Y-t.Dp(8)), filesPkg+":id/action_menu_share", "Share", "<",
				func(p *Phone) { p.Toast("Sharing isn't available for these items") }))
			tb.Add(iconButton(t, image.Rect(bar.Max.X-t.Dp(56), bar.Min.Y+t.Dp(8), bar.Max.X-t.Dp(8), bar.Max.Y-t.Dp(8)), filesPkg+":id/action_menu_delete", "Delete", "X",
				func(p *Phone) { confirmDelete(a, chosen, func() { clear(selected) }) }))
		} else {
			tb.Add(&Node{Class: "android.widget.ImageButton", ContentDesc: "Show roots", Text: "=", Bounds: image.Rect(bar.Min.X, bar.Min.Y, bar.Min.X+bar.Dy(), bar.Max.Y),
				OnClick: func(p *Phone) { filesRootsMenu(a) }, Style: Style{Center: true, TextSize: t.Title}})
			title := root.title
			if root.dir != "" && dir != root.dir {
				title = path.Base(dir)
			}
			tb.Add(textView(image.Rect(bar.Min.X+bar.Dy(), bar.Min.Y, bar.Max.X, bar.Max.Y), filesPkg+":id/toolbar_title", title, Style{TextSize: t.Dp(22), PadX: t.Dp(8)}))
		}
		rootN.Add(tb)
		var rows []*Node
		var hs []int
		h := t.Dp(72)
		for _, e := range entries {
			e := e
			name := path.Base(e.path)
			row := &Node{Class: "android.widget.LinearLayout", ResourceID: filesPkg + ":id/item_root", Bounds: image.Rect(r.Min.X, 0, r.Max.X, h),
				Selected: selected[e.path], LongClickable: !e.dir, Style: Style{Widget: WidgetDivider}}
			if selected[e.path] {
				row.Style.Bg = t.SurfaceVariant
			}
			ir := image.Rect(r.Min.X+t.Dp(16), t.Dp(12), r.Min.X+t.Dp(64), t.Dp(60))
			if !e.dir && imageExts[strings.ToLower(path.Ext(name))] {
				row.Add(photoPicture(ir, filesPkg+":id/icon_thumb", filePhoto(p, e.path)))
			} else {
				glyph := "F"
				if e.dir {
					glyph = "D"
				}
				row.Add(&Node{Class: "android.widget.ImageView", ResourceID: filesPkg + ":id/icon_mime", Bounds: ir,
					Style: Style{Widget: WidgetIcon, Bg: t.SurfaceVariant, Fg: t.Primary, Glyph: glyph, Radius: t.Dp(8)}})
			}
			sub := e.mtime.Format("Jan 2, 2006")
			if !e.dir {
				sub = humanSize(e.size) + " · " + sub
			}
			row.Add(textView(image.Rect(r.Min.X+t.Dp(76), t.Dp(10), r.Max.X-t.Dp(16), t.Dp(40)), "android:id/title", name, Style{PadX: t.Dp(8)}),
				textView(image.Rect(r.Min.X+t.Dp(76), t.Dp(40), r.Max.X-t.Dp(16), t.Dp(64)), filesPkg+":id/details", sub, Style{TextSize: t.Small, Fg: t.OnSurfaceMuted, PadX: t.Dp(8)}))
			switch {
			case e.dir:
				row.OnClick = func(p *Phone) { dir = e.path }
			case len(selected) > 0:
				row.OnClick = func(p *Phone) {
					if selected[e.path] {
						delete(selected, e.path)
					} else {
						selected[e.path] = true
					}
				}
			default:
				row.OnClick = func(p *Phone) { p.Push(filesPreview(e.path)) }
			}
			if !e.dir {
				row.OnLongClick = func(p *Phone) { selected[e.path] = true; p.changed() }
			}
			rows = append(rows, row)
			hs = append(hs, h)
		}
		if len(rows) == 0 {
			rows = append(rows, textView(image.Rect(r.Min.X, 0, r.Max.X, t.Dp(96)), filesPkg+":id/message", "No items", Style{Center: true, Fg: t.OnSurfaceMuted}))
			hs = append(hs, t.Dp(96))
		}
		rootN.Add(scrollList(a, filesPkg+":id/dir_list", col.rest(), rows, hs))
		return rootN
	}
	return a
}

// filePhoto is the gallery's entry for a picture file, or one made from
// its name.
func filePhoto(p *Phone, name string) *Photo {
	for _, x := range photosOf(p).Photos {
		if x.Path == name {
			return x
		}
	}
	base := path.Base(name)
	return &Photo{Name: base, Path: name, Source: strings.TrimSuffix(base, path.Ext(base))}
}

// confirmDelete asks before deleting paths, then deletes them.
func confirmDelete(a *Activity, paths []string, done func()) {
	if len(paths) == 0 {
		return
	}
	title := fmt.Sprintf("Delete %d items?", len(paths))
	if len(paths) == 1 {
		title = "Delete " + path.Base(paths[0]) + "?"
	}
	confirm(a, title, "", "Delete", func(p *Phone) {
		deleteFiles(p, paths)
		done()
		if len(paths) == 1 {
			p.Toast("Deleted " + path.Base(paths[0]))
		} else {
			p.Toast(fmt.Sprintf("Deleted %d items", len(paths)))
		}
	})
}

// filesRootsMenu is the drawer of roots over a.
func filesRootsMenu(a *Activity) {
	a.Dialog = func(p *Phone, a *Activity, screen Rect) *Node {
		t := p.Theme()
		w := screen.Dx() * 3 / 4
		d := &Node{Class: "android.widget.ListView", ResourceID: filesPkg + ":id/roots_list", Bounds: image.Rect(screen.Min.X, screen.Min.Y, screen.Min.X+w, screen.Max.Y),
			Style: Style{Bg: t.Surface}}
		d.Add(textView(image.Rect(screen.Min.X, screen.Min.Y+t.Dp(16), screen.Min.X+w, screen.Min.Y+t.Dp(64)), "", "Files", Style{TextSize: t.Dp(22), PadX: t.Dp(24)}))
		for i, rt := range filesRoots {
			rt := rt
			y := screen.Min.Y + t.Dp(72) + i*t.Dp(56)
			d.Add(&Node{Class: "android.widget.TextView", ResourceID: "android:id/title", Text: rt.title, Bounds: image.Rect(screen.Min.X, y, screen.Min.X+w, y+t.Dp(56)),
				OnClick: func(p *Phone) { a.Dialog = nil; p.Replace(filesBrowser(rt)) }, Style: Style{PadX: t.Dp(24)}})
		}
		return d
	}
}

// filesPreview shows one file, with Delete and Share.
func filesPreview(name string) *Activity {
	a := &Activity{App: lookupApp(filesPkg), Name: "com.android.documentsui.ViewActivity", Title: path.Base(name)}
	a.Info = func(p *Phone) map[string]any { return map[string]any{"page": "preview", "file": name} }
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		root.Style.Bg = rgb(0, 0, 0)
		col := newColumn(r)
		bar := col.next(t.Dp(64))
		tb := &Node{Class: "android.view.ViewGroup", ResourceID: filesPkg + ":id/toolbar", Bounds: bar}
		tb.Add(&Node{Class: "android.widget.ImageButton", ContentDesc: "Navigate up", Text: "<", Bounds: image.Rect(bar.Min.X, bar.Min.Y, bar.Min.X+bar.Dy(), bar.Max.Y),
			OnClick: func(p *Phone) { p.Finish() }, Style: Style{Center: true, TextSize: t.Title, Fg: rgb(255, 255, 255)}})
		tb.Add(textView(image.Rect(bar.Min.X+bar.Dy(), bar.Min.Y, bar.Max.X-t.Dp(64), bar.Max.Y), filesPkg+":id/toolbar_title", path.Base(name),
			Style{Fg: rgb(255, 255, 255), PadX: t.Dp(8)}))
		tb.Add(iconButton(t, image.Rect(bar.Max.X-t.Dp(56), bar.Min.Y+t.Dp(8), bar.Max.X-t.Dp(8), bar.Max.Y-t.Dp(8)), filesPkg+":id/action_menu_delete", "Delete", "X",
			func(p *Phone) { confirmDelete(a, []string{name}, func() { p.Finish() }) }))
		root.Add(tb)
		if _, err := p.fs.Privileged().Stat(name); err == nil && imageExts[strings.ToLower(path.Ext(name))] {
			area := col.rest()
			y0 := area.Min.Y + (area.Dy()-area.Dx())/2
			root.Add(photoPicture(image.Rect(area.Min.X, y0, area.Max.X, y0+area.Dx()), filesPkg+":id/image", filePhoto(p, name)))
		}
		return root
	}
	return a
}
