package memory

import (
	"fmt"

	"github.com/mobagent/mobagent/perception"
)

// CheckShortcut validates a proposed shortcut against the run it came from:
// its form, and that
// every selector finds an element on the recorded screen of its step (or,
// failing that, on any recorded screen of the run).
func CheckShortcut(sc Shortcut, sum RunSummary) error {
	if err := ValidateShortcut(sc); err != nil {
		return err
	}
	var screens []*perception.Screen
	for i := range sum.Steps {
		if sum.Steps[i].Screen != nil {
			screens = append(screens, sum.Steps[i].Screen)
		}
		if a := sum.after(i); a != nil {
			screens = append(screens, a)
		}
	}
	for i, st := range sc.Steps {
		if st.Target == nil {
			continue
		}
		var own *perception.Screen
		if i < len(sum.Steps) {
			own = sum.Steps[i].Screen
		}
		if _, ok := st.Target.Find(own); ok {
			continue
		}
		found := false
		for _, scr := range screens {
			if _, ok := st.Target.Find(scr); ok {
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("%w: proposed shortcut %q: step %d's target %s is on none of the run's screens", ErrInvalid, sc.Name, i+1, st.Target.String())
		}
	}
	return nil
}
