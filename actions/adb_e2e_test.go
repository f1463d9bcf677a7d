package actions_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/actions"
)

// TestADBActionRunsAsArgv runs API calls through the executor and the adb
// server on the virtual phone: a call that works opens what it names; one
// the phone cannot answer fails with its error output; and shell syntax in
// an argument stays one argument that runs nothing.
func TestADBActionRunsAsArgv(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	ex := actions.NewExecutor(r.dev, actions.ExecutorConfig{SettleTimeout: -1})

	res, err := ex.Execute(ctx, actions.ADB{Command: "adb shell am start -a android.settings.SETTINGS\n"}, nil, actions.Frame{})
	if err != nil {
		t.Fatal(err)
	}
	if st := r.phone().State(); st.Foreground != settingsPkg {
		t.Errorf("after the call the phone shows %s", st.Foreground)
	}
	if len(res.Calls) != 1 || res.Calls[0].Op != "shell" || !strings.Contains(res.Calls[0].Detail, "android.settings.SETTINGS") {
		t.Errorf("calls %+v", res.Calls)
	}

	_, err = ex.Execute(ctx, actions.ADB{Command: "adb shell am start -n com.tencent.qqmusic/.third.DispacherActivityForThird"}, nil, actions.Frame{})
	var ce *actions.CommandError
	if !errors.As(err, &ce) || ce.ExitCode == 0 || !strings.Contains(ce.Error(), "does not exist") {
		t.Errorf("a call to a missing app: %v; want a CommandError with the phone's message", err)
	}

	// Shell syntax inside quotes is one argument; the phone's shell never
	// sees it unquoted.
	_, err = ex.Execute(ctx, actions.ADB{Command: `adb shell am start -n 'com.android.settings/.Settings; mkdir /sdcard/pwned' --es x "a && mkdir /sdcard/pwned2"`}, nil, actions.Frame{})
	if err == nil {
		t.Errorf("a component holding shell syntax started something")
	}
	if ls := sdcard(t, r); strings.Contains(ls, "pwned") {
		t.Errorf("an API call ran shell syntax; ls /sdcard:\n%s", ls)
	}

	// Not an adb shell command: refused before anything runs.
	_, err = ex.Execute(ctx, actions.ADB{Command: "adb push /etc/passwd /sdcard/"}, nil, actions.Frame{})
	if !errors.Is(err, actions.ErrInvalid) {
		t.Errorf("adb push: %v; want a validation error", err)
	}
}
