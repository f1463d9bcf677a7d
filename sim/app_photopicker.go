package sim

import (
	"image"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/mobagent/mobagent/sim/vfs"
)

// The system photo picker (Android 13+), which apps open to let the user
// choose a picture: a grid of the phone's pictures, newest first, with
// their thumbnails as com.google.android.providers.media.module:id/icon_thumbnail.
// Choosing one hands it to the app that asked and closes the picker.

const photoPickerPkg = "com.google.android.providers.media.module"

func init() {
	RegisterApp(&App{Package: photoPickerPkg, Label: "Photo picker", MainActivity: "com.android.providers.media.photopicker.PhotoPickerActivity",
		System: true, Hidden: true, Launch: func(p *Phone) *Activity { return photoPicker(nil) }})
}

// devicePictures lists the pictures an app can pick: the gallery's, and
// every picture file on /sdcard the gallery does not know (pushed with adb),
// newest first.
func devicePictures(p *Phone) []*Photo {
	var out []*Photo
	known := map[string]bool{}
	for _, ph := range photosOf(p).Photos {
		out = append(out, ph)
		if ph.Path != "" {
			known[ph.Path] = true
		}
	}
	walkFiles(p.fs.Privileged(), "/sdcard", func(name string, info fs.FileInfo) {
		if known[name] || !imageExts[strings.ToLower(path.Ext(name))] {
			return
		}
		base := path.Base(name)
		out = append(out, &Photo{Name: base, Width: 1024, Height: 1024, Taken: info.ModTime().UTC().Format(time.RFC3339), Path: name,
			Source: strings.TrimSuffix(base, path.Ext(base))})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Taken > out[j].Taken })
	return out
}

// photoPicker opens the picker; chosen receives the picture (nil: the
// picker was opened on its own and only closes).
func photoPicker(chosen func(p *Phone, ph *Photo)) *Activity {
	a := &Activity{App: lookupApp(photoPickerPkg), Name: "com.android.providers.media.photopicker.PhotoPickerActivity", Title: "Select photo"}
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		bar := col.next(t.Dp(64))
		tb := &Node{Class: "android.view.ViewGroup", ResourceID: photoPickerPkg + ":id/toolbar", Bounds: bar}
		tb.Add(&Node{Class: "android.widget.ImageButton", ContentDesc: "Cancel", Text: "X", Bounds: image.Rect(bar.Min.X, bar.Min.Y, bar.Min.X+bar.Dy(), bar.Max.Y),
			OnClick: func(p *Phone) { p.Finish() }, Style: Style{Center: true, TextSize: t.Title}})
		tb.Add(textView(image.Rect(bar.Min.X+bar.Dy(), bar.Min.Y, bar.Max.X, bar.Max.Y), photoPickerPkg+":id/toolbar_title", "Select photo", Style{TextSize: t.Dp(20), PadX: t.Dp(8)}))
		root.Add(tb)
		root.Add(tabBar(t, col.next(t.Dp(48)), photoPickerPkg+":id/tab_layout", []string{"Photos", "Albums"}, 0, func(p *Phone, i int) {}))
		pics := devicePictures(p)
		cols := 3
		cell := r.Dx() / cols
		var rows []*Node
		var hs []int
		for i := 0; i < len(pics); i += cols {
			row := &Node{Class: "android.widget.LinearLayout", Bounds: image.Rect(r.Min.X, 0, r.Max.X, cell)}
			for j := i; j < i+cols && j < len(pics); j++ {
				ph := pics[j]
				x := r.Min.X + (j-i)*cell
				pic := photoPicture(image.Rect(x+t.Dp(2), t.Dp(2), x+cell-t.Dp(2), cell-t.Dp(2)), photoPickerPkg+":id/icon_thumbnail", ph)
				taken, _ := time.Parse(time.RFC3339, ph.Taken)
				pic.ContentDesc = "Photo taken on " + taken.Format("Jan 2, 2006 3:04 PM")
				pic.Clickable = true
				pic.OnClick = func(p *Phone) {
					p.Finish()
					if chosen != nil {
						chosen(p, ph)
					}
				}
				row.Add(pic)
			}
			rows = append(rows, row)
			hs = append(hs, cell)
		}
		if len(rows) == 0 {
			root.Add(textView(col.next(t.Dp(96)), photoPickerPkg+":id/empty", "No photos", Style{Center: true, Fg: t.OnSurfaceMuted}))
		}
		root.Add(scrollList(a, photoPickerPkg+":id/picker_tab_recyclerview", col.rest(), rows, hs))
		return root
	}
	return a
}

// walkFiles calls fn for every file under dir, in name order.
func walkFiles(fsys *vfs.FS, dir string, fn func(name string, info fs.FileInfo)) {
	entries, err := fsys.ReadDir(dir)
	if err != nil {
		return
	}
	for _, de := range entries {
		name := path.Join(dir, de.Name())
		if de.IsDir() {
			walkFiles(fsys, name, fn)
			continue
		}
		if info, err := de.Info(); err == nil {
			fn(name, info)
		}
	}
}
