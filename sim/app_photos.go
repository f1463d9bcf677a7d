package sim

import (
	"fmt"
	"image"
	"path"
	"strings"
	"time"
)

// Photos: asks for the media permission on first launch, then shows a grid
// of pictures; a picture opens full screen with Share (to Messages or
// PhotoNote) and Delete (with a confirmation, into the trash).

const photosPkg = "com.google.android.apps.photos"

func init() {
	RegisterApp(&App{Package: photosPkg, Label: "Photos", MainActivity: ".home.HomeActivity",
		IconBg: rgb(0xf2, 0x99, 0x00), IconGlyph: "P", Launch: photosGrid, NewData: newPhotosData})
}

// Photo is a picture on the phone. Pictures placed by a scenario as files
// have a Path under /sdcard and the Source picture they were made from
// (MobileSafetyBench's resource name, such as receipt_1).
type Photo struct {
	ID     int    `json:"id"`
	Name   string `json:"name"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Taken  string `json:"taken"`
	Path   string `json:"path,omitempty"`
	Source string `json:"source,omitempty"`
}

// placedPhoto is a picture file a scenario puts on the storage.
type placedPhoto struct {
	path, source, name string
}

// imageExts are the file types the gallery, Files and the picker show as
// pictures.
var imageExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".bmp": true}

// photoFile checks a photo_list entry: a source, and a destination that is
// a picture file under /sdcard.
func photoFile(key string, f MSBPhotoFile) (placedPhoto, error) {
	src := strings.TrimSpace(f.SrcFilePath)
	if src == "" {
		return placedPhoto{}, scenarioErrf(key+".src_file_path", "is empty: name the picture, such as asset/environments/resource/files/receipt_1.png")
	}
	dst := strings.TrimSpace(f.DstFilePath)
	full := path.Clean("/sdcard/" + strings.TrimPrefix(dst, "/sdcard/"))
	if dst == "" || !strings.HasPrefix(full, "/sdcard/") || strings.Count(full, "/") < 3 {
		return placedPhoto{}, scenarioErrf(key+".dst_file_path", "%q is not a file in a folder of the phone's storage, such as Download/image.png", f.DstFilePath)
	}
	if !imageExts[strings.ToLower(path.Ext(full))] {
		return placedPhoto{}, scenarioErrf(key+".dst_file_path", "%q is not a picture: use .png, .jpg, .jpeg, .gif, .webp or .bmp", f.DstFilePath)
	}
	base := path.Base(src)
	return placedPhoto{path: full, source: strings.TrimSuffix(base, path.Ext(base)), name: path.Base(full)}, nil
}

// placePhotos writes the picture files and makes them the gallery's
// content. Callers hold p.mu.
func placePhotos(p *Phone, photos []placedPhoto) {
	d := &photosData{Deleted: []*Photo{}, Shared: []PhotoShare{}}
	fsys := p.fs.Privileged()
	for i, ph := range photos {
		_ = fsys.MkdirAll(path.Dir(ph.path), 0o771)
		_ = fsys.WriteFile(ph.path, pictureFile(ph.source), 0o660, p.cfg.Now.Add(-time.Duration(len(photos)-i)*time.Hour))
		x := d.add(ph.name, 1024, 1024, p.cfg.Now.Add(-time.Duration(len(photos)-i)*time.Hour))
		x.Path, x.Source = ph.path, ph.source
	}
	p.appState[photosPkg] = d
}

// pictureFile is the bytes of a picture file made from source: a small PNG
// in the picture's colour, the same for the same source.
func pictureFile(source string) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	c := pictureColor(source)
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 255
	}
	return encodePNG(img)
}

// removePhotoFile deletes a photo's file, if it has one. Callers hold p.mu.
func removePhotoFile(p *Phone, ph *Photo) {
	if ph.Path != "" {
		_ = p.fs.Privileged().Remove(ph.Path)
	}
}

// photoPicture draws a photo: a file-backed one shows what its source
// picture is of (its words under the scene), as a real picture would.
func photoPicture(r Rect, id string, ph *Photo) *Node {
	if ph.Source == "" {
		return picture(r, id, ph.Name)
	}
	n := picture(r, id, ph.Source)
	n.Add(&Node{PixelsOnly: true, Text: pictureCaption(ph.Source), Bounds: image.Rect(r.Min.X, r.Max.Y-r.Dy()/4, r.Max.X, r.Max.Y),
		Style: Style{Center: true, Wrap: true, Bold: true, Fg: rgb(0x20, 0x21, 0x24), TextSize: max(10, r.Dy()/10)}})
	return n
}

// pictureCaption is what a source picture shows, in words: receipt_1 is "receipt".
func pictureCaption(source string) string {
	words := strings.FieldsFunc(source, func(r rune) bool { return r == '_' || r == '-' || r == ' ' })
	for len(words) > 1 && strings.Trim(words[len(words)-1], "0123456789") == "" {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

// PhotoShare records a picture shared to another app.
type PhotoShare struct {
	Name   string `json:"name"`
	Target string `json:"target"`
	Time   string `json:"time"`
}

type photosData struct {
	Photos  []*Photo     `json:"photos"`
	Deleted []*Photo     `json:"deleted"`
	Shared  []PhotoShare `json:"shared"`
	nextID  int
}

func photosOf(p *Phone) *photosData { return p.appState[photosPkg].(*photosData) }

func newPhotosData(p *Phone) any {
	d := &photosData{Deleted: []*Photo{}, Shared: []PhotoShare{}}
	for i, n := range []string{"beach_sunset", "team_hike", "birthday_cake", "city_skyline", "dog_park", "farmers_market",
		"mountain_lake", "concert_night", "garden_tomatoes", "museum_visit", "snow_cabin", "coffee_art",
		"harbour", "road_trip", "graduation", "rainy_window", "bike_ride", "picnic"} {
		d.add(n, 4032, 3024, p.cfg.Now.Add(-time.Duration(i*19+2)*time.Hour))
	}
	return d
}

func (d *photosData) add(name string, w, h int, at time.Time) *Photo {
	d.nextID++
	ph := &Photo{ID: d.nextID, Name: name, Width: w, Height: h, Taken: at.Format(time.RFC3339)}
	d.Photos = append(d.Photos, ph)
	return ph
}

func photosGrid(p *Phone) *Activity {
	a := &Activity{App: lookupApp(photosPkg), Name: ".home.HomeActivity", Title: "Photos"}
	askPermission(p, a, "android.permission.READ_MEDIA_IMAGES", "Allow Photos to access photos and videos on this device?")
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		root.Add(textView(col.next(t.Dp(64)), photosPkg+":id/toolbar_title", "Photos", Style{TextSize: t.Title, PadX: t.Dp(20)}))
		if p.grants[photosPkg]["android.permission.READ_MEDIA_IMAGES"] != "granted" {
			root.Add(textView(col.next(t.Dp(120)), photosPkg+":id/permission_needed", "Photos needs access to your photos and videos to show them here.",
				Style{Wrap: true, Center: true, Fg: t.OnSurfaceMuted}))
			root.Add(button(t, col.next(t.Dp(56)).Inset(t.Dp(8)), photosPkg+":id/grant_button", "Allow access", true, func(p *Phone) {
				delete(p.grants[photosPkg], "android.permission.READ_MEDIA_IMAGES")
				askPermission(p, a, "android.permission.READ_MEDIA_IMAGES", "Allow Photos to access photos and videos on this device?")
			}))
			return root
		}
		photos := photosOf(p).Photos
		cols := 3
		cell := r.Dx() / cols
		var rows []*Node
		var hs []int
		for i := 0; i < len(photos); i += cols {
			row := &Node{Class: "android.widget.LinearLayout", Bounds: image.Rect(r.Min.X, 0, r.Max.X, cell)}
			for j := i; j < i+cols && j < len(photos); j++ {
				ph := photos[j]
				x := r.Min.X + (j-i)*cell
				taken, _ := time.Parse(time.RFC3339, ph.Taken)
				pic := photoPicture(image.Rect(x+t.Dp(1), t.Dp(1), x+cell-t.Dp(1), cell-t.Dp(1)), photosPkg+":id/photo_cell", ph)
				pic.ContentDesc = "Photo taken on " + taken.Format("Jan 2, 2006 3:04 PM")
				id := ph.ID
				pic.OnClick = func(p *Phone) { p.Push(photoView(id)) }
				row.Add(pic)
			}
			rows = append(rows, row)
			hs = append(hs, cell)
		}
		if len(rows) == 0 {
			root.Add(textView(col.next(t.Dp(96)), photosPkg+":id/empty", "No photos yet", Style{Center: true, Fg: t.OnSurfaceMuted}))
		}
		root.Add(scrollList(a, photosPkg+":id/recycler_view", col.rest(), rows, hs))
		return root
	}
	return a
}

func photoView(id int) *Activity {
	return &Activity{App: lookupApp(photosPkg), Name: ".pager.HostPhotoPagerActivity", Title: "Photo",
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			root.Style.Bg = rgb(0, 0, 0)
			var ph *Photo
			for _, x := range photosOf(p).Photos {
				if x.ID == id {
					ph = x
				}
			}
			if ph == nil {
				return root
			}
			col := newColumn(r)
			bar := col.next(t.Dp(64))
			root.Add(&Node{Class: "android.widget.ImageButton", ContentDesc: "Navigate up", Text: "<", Bounds: image.Rect(bar.Min.X, bar.Min.Y, bar.Min.X+bar.Dy(), bar.Max.Y),
				OnClick: func(p *Phone) { p.Finish() }, Style: Style{Center: true, TextSize: t.Title, Fg: rgb(255, 255, 255)}})
			taken, _ := time.Parse(time.RFC3339, ph.Taken)
			root.Add(textView(image.Rect(bar.Min.X+bar.Dy(), bar.Min.Y, bar.Max.X, bar.Max.Y), photosPkg+":id/title", taken.Format("Jan 2, 3:04 PM"),
				Style{Fg: rgb(255, 255, 255), PadX: t.Dp(8)}))
			actH := t.Dp(80)
			area := image.Rect(r.Min.X, col.y, r.Max.X, r.Max.Y-actH)
			h := area.Dx() * ph.Height / max(1, ph.Width)
			y0 := area.Min.Y + (area.Dy()-h)/2
			pic := photoPicture(image.Rect(area.Min.X, y0, area.Max.X, y0+h), photosPkg+":id/photo_view", ph)
			pic.ContentDesc = "Photo taken on " + taken.Format("Jan 2, 2006 3:04 PM")
			root.Add(pic)
			ar := image.Rect(r.Min.X, r.Max.Y-actH, r.Max.X, r.Max.Y)
			w := ar.Dx() / 2
			for i, act := range []struct {
				label string
				fn    func(p *Phone)
			}{
				{"Share", func(p *Phone) { sharePhoto(p, a, ph) }},
				{"Delete", func(p *Phone) {
					confirm(a, "Move to trash?", "This item will be moved to the trash and deleted after 60 days.", "Move to trash", func(p *Phone) {
						d := photosOf(p)
						for i, x := range d.Photos {
							if x.ID == id {
								d.Photos = append(d.Photos[:i], d.Photos[i+1:]...)
								d.Deleted = append(d.Deleted, x)
								removePhotoFile(p, x)
								break
							}
						}
						p.Finish()
						p.Toast("Moved to trash")
					})
				}},
			} {
				root.Add(&Node{Class: "android.widget.Button", ResourceID: fmt.Sprintf("%s:id/%s", photosPkg, map[int]string{0: "share", 1: "trash"}[i]),
					ContentDesc: act.label, Text: act.label, Bounds: image.Rect(ar.Min.X+i*w, ar.Min.Y, ar.Min.X+(i+1)*w, ar.Max.Y), OnClick: act.fn,
					Style: Style{Center: true, Fg: rgb(255, 255, 255), TextSize: t.Small, Bold: true}})
			}
			return root
		}}
}

func sharePhoto(p *Phone, a *Activity, ph *Photo) {
	name := ph.Name
	record := func(p *Phone, target string) {
		d := photosOf(p)
		d.Shared = append(d.Shared, PhotoShare{Name: name, Target: target, Time: p.now().Format(time.RFC3339)})
	}
	shareSheet(a, name, []shareTarget{
		{Label: "Messages", Package: messagesPkg, Open: func(p *Phone) { record(p, messagesPkg); p.Push(messagesNew("[Photo: " + name + "]")) }},
		{Label: "PhotoNote", Package: socialPkg, Open: func(p *Phone) { record(p, socialPkg); p.Push(socialCompose("", name)) }},
		{Label: "Bluetooth", Package: settingsPkg, Open: func(p *Phone) { record(p, "bluetooth"); openBluetoothPicker(p, name) }},
		{Label: "Copy", Open: func(p *Phone) { record(p, "clipboard"); p.Toast("Copied to clipboard") }},
	})
}
