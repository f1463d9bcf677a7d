package realeval

import (
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // screenshots
	_ "image/png"
	"os"
	"path/filepath"
	"sort"

	"github.com/mobagent/mobagent/perception"
)

// Case is one real screen: its screenshot, its dump and its truth.
type Case struct {
	Name      string
	ImagePath string
	DumpPath  string
	Image     image.Image // nil from LoadTruths
	Size      image.Point // the screenshot's size, from LoadTruths
	Dump      []byte
	Truth     *Truth
}

// ErrNoScreens is returned by Load for a folder without screens.
var ErrNoScreens = errors.New("realeval: no screens")

// Load reads every screen under dir: each sub-folder holding screen.png or
// screen.jpg, dump.xml and truth.txt (dir itself may be such a folder, or
// hold a screens folder). names, when not empty, keeps only those screens.
// A folder that lacks one of the three files is an error that names it.
func Load(dir string, names ...string) ([]Case, error) {
	return load(dir, names, true)
}

func load(dir string, names []string, decode bool) ([]Case, error) {
	if fi, err := os.Stat(filepath.Join(dir, "screens")); err == nil && fi.IsDir() {
		dir = filepath.Join(dir, "screens")
	}
	var dirs []string
	if isCase(dir) {
		dirs = []string{dir}
	} else {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("realeval: %w", err)
		}
		for _, e := range ents {
			if e.IsDir() {
				dirs = append(dirs, filepath.Join(dir, e.Name()))
			}
		}
	}
	sort.Strings(dirs)
	want, missing := map[string]bool{}, map[string]bool{}
	for _, n := range names {
		want[n], missing[n] = true, true
	}
	var out []Case
	for _, d := range dirs {
		name := filepath.Base(d)
		if len(want) > 0 && !want[name] {
			continue
		}
		c, err := loadCase(d, decode)
		if err != nil {
			return nil, err
		}
		delete(missing, name)
		out = append(out, *c)
	}
	for n := range missing {
		return nil, fmt.Errorf("realeval: no screen %q in %s", n, dir)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w in %s: each screen is a folder with screen.png or screen.jpg, dump.xml and truth.txt", ErrNoScreens, dir)
	}
	return out, nil
}

func isCase(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "truth.txt"))
	return err == nil
}

// LoadTruths reads the truths of the screens under dir (as Load finds them)
// and their screenshots' sizes, without decoding the screenshots.
func LoadTruths(dir string) ([]Case, error) {
	return load(dir, nil, false)
}

// LoadCase reads one screen folder.
func LoadCase(dir string) (*Case, error) { return loadCase(dir, true) }

func loadCase(dir string, decode bool) (*Case, error) {
	c := &Case{Name: filepath.Base(dir), DumpPath: filepath.Join(dir, "dump.xml")}
	for _, n := range []string{"screen.png", "screen.jpg", "screen.jpeg"} {
		if p := filepath.Join(dir, n); fileExists(p) {
			c.ImagePath = p
			break
		}
	}
	if c.ImagePath == "" {
		return nil, fmt.Errorf("realeval: %s has no screen.png or screen.jpg", dir)
	}
	if decode {
		img, err := perception.LoadImage(c.ImagePath)
		if err != nil {
			return nil, fmt.Errorf("realeval: %w", err)
		}
		c.Image = img
	} else {
		f, err := os.Open(c.ImagePath)
		if err != nil {
			return nil, fmt.Errorf("realeval: %w", err)
		}
		cfg, _, err := image.DecodeConfig(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("realeval: %s: %w", c.ImagePath, err)
		}
		c.Size = image.Pt(cfg.Width, cfg.Height)
	}
	var err error
	if c.Dump, err = os.ReadFile(c.DumpPath); err != nil {
		return nil, fmt.Errorf("realeval: %s: %w (each screen needs its dump.xml)", dir, err)
	}
	tb, err := os.ReadFile(filepath.Join(dir, "truth.txt"))
	if err != nil {
		return nil, fmt.Errorf("realeval: %w", err)
	}
	if c.Truth, err = ParseTruth(tb); err != nil {
		return nil, fmt.Errorf("realeval: %s: %w", filepath.Join(dir, "truth.txt"), err)
	}
	return c, nil
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
