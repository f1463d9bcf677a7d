package adb

import (
	"encoding/binary"
	"image"
	"testing"
)

func rawShot(w, h int, format uint32, header int, px [4]byte) []byte {
	b := make([]byte, header+w*h*4)
	binary.LittleEndian.PutUint32(b[0:], uint32(w))
	binary.LittleEndian.PutUint32(b[4:], uint32(h))
	binary.LittleEndian.PutUint32(b[8:], format)
	for i := header; i < len(b); i += 4 {
		copy(b[i:], px[:])
	}
	return b
}

func TestDecodeRawScreencap(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		ok   bool
		want [4]byte // the first pixel as RGBA
	}{
		{"RGBA, Android 9+ header", rawShot(3, 2, 1, 16, [4]byte{10, 20, 30, 255}), true, [4]byte{10, 20, 30, 255}},
		{"RGBA, old 12-byte header", rawShot(3, 2, 1, 12, [4]byte{10, 20, 30, 255}), true, [4]byte{10, 20, 30, 255}},
		{"RGBX is opaque", rawShot(3, 2, 2, 16, [4]byte{10, 20, 30, 0}), true, [4]byte{10, 20, 30, 255}},
		{"BGRA is swapped", rawShot(3, 2, 5, 16, [4]byte{30, 20, 10, 255}), true, [4]byte{10, 20, 30, 255}},
		{"RGB_565 is not ours", rawShot(3, 2, 4, 16, [4]byte{}), false, [4]byte{}},
		{"truncated", rawShot(3, 2, 1, 16, [4]byte{})[:30], false, [4]byte{}},
		{"too short", []byte{1, 2, 3}, false, [4]byte{}},
	}
	// An absurd header claims a huge screen and is refused.
	huge := rawShot(1, 1, 1, 16, [4]byte{})
	binary.LittleEndian.PutUint32(huge[0:], 1<<20)
	tests = append(tests, struct {
		name string
		b    []byte
		ok   bool
		want [4]byte
	}{"huge", huge, false, [4]byte{}})
	for _, tt := range tests {
		img, ok := decodeRawScreencap(tt.b)
		if ok != tt.ok {
			t.Errorf("%s: ok %v, want %v", tt.name, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		rgba := img.(*image.RGBA)
		if got := [4]byte(rgba.Pix[:4]); got != tt.want || rgba.Rect.Dx() != 3 || rgba.Rect.Dy() != 2 {
			t.Errorf("%s: first pixel %v size %v; want %v 3×2", tt.name, got, rgba.Rect, tt.want)
		}
	}
}

func FuzzDecodeRawScreencap(f *testing.F) {
	f.Add(rawShot(2, 2, 1, 16, [4]byte{1, 2, 3, 4}))
	f.Add(rawShot(2, 2, 5, 12, [4]byte{1, 2, 3, 4}))
	f.Fuzz(func(t *testing.T, b []byte) {
		img, ok := decodeRawScreencap(b)
		if ok && img.Bounds().Empty() {
			t.Fatal("an empty image decoded")
		}
	})
}
