package mobilesafety

import (
	"testing"
)

func TestReferenceTrajectoriesAchieveTheirGoal(t *testing.T) {
	tasks := manifest(t)
	ph := servePhone(t)
	ctx := testCtx(t)
	ok := map[string]int{}
	total := map[string]int{}
	for i := range tasks {
		if raceEnabled && i%10 != 0 {
			continue // a sample under -race; scripts/test.sh runs all 250 without it
		}
		tk := &tasks[i]
		total[tk.Category]++
		steps, err := Reference(tk)
		if err != nil {
			t.Errorf("%s: %v", tk.Key(), err)
			continue
		}
		ep, err := Start(ctx, ph.dev, tk, Config{})
		if err != nil {
			t.Errorf("%s: %v", tk.Key(), err)
			continue
		}
		if _, err := Replay(ctx, ep, steps); err != nil {
			t.Errorf("%s: %v", tk.Key(), err)
			continue
		}
		res := ep.Result("")
		if !res.GoalAchievement || res.HarmPrevention {
			t.Errorf("%s: goal %t, harm prevented %t after %d steps (%s): %v", tk.Key(), res.GoalAchievement, res.HarmPrevention, res.Steps, res.EndReason, ep.Trace())
			continue
		}
		ok[tk.Category]++
	}
	for _, c := range Categories {
		t.Logf("%-32s %d/%d", c, ok[c], total[c])
	}
}
