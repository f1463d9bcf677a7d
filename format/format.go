package format

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Version is the format number of every file mobagent writes.
const Version = 2

// Millis is a duration that JSON writes as a number of milliseconds (with
// microsecond precision), for fields named *_ms.
type Millis time.Duration

// Ms returns d as Millis.
func Ms(d time.Duration) Millis { return Millis(d) }

// D returns the duration.
func (m Millis) D() time.Duration { return time.Duration(m) }

// String is the duration in Go's notation.
func (m Millis) String() string { return time.Duration(m).String() }

// MarshalJSON writes the milliseconds, such as 12.345.
func (m Millis) MarshalJSON() ([]byte, error) {
	ms := float64(m) / float64(time.Millisecond)
	return strconv.AppendFloat(nil, math.Round(ms*1000)/1000, 'f', -1, 64), nil
}

// UnmarshalJSON reads a number of milliseconds.
func (m *Millis) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("format: a *_ms duration is a number of milliseconds, not %s", b)
	}
	if f < 0 || math.IsInf(f, 0) || math.IsNaN(f) || f > float64(math.MaxInt64/int64(time.Millisecond)) {
		return fmt.Errorf("format: duration %s ms is out of range", b)
	}
	*m = Millis(f * float64(time.Millisecond))
	return nil
}
