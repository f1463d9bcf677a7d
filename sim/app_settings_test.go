package sim

import (
	"slices"
	"testing"
)

func TestSettingsUninstallAskedFirst(t *testing.T) {
	p := newTestPhone(t)
	launch(t, p, settingsPkg)
	tapTextOf(t, p, "Apps")
	tapTextOf(t, p, "Joplin")
	tapTextOf(t, p, "Uninstall")
	mustSee(t, p, "Do you want to uninstall this app?")
	tapTextOf(t, p, "OK")
	st := p.State()
	if slices.Contains(st.Installed, joplinPkg) {
		t.Fatal("Joplin is still installed")
	}
	var sd settingsData
	appStateOf(t, p, settingsPkg, &sd)
	if len(sd.Uninstalled) != 1 || sd.Uninstalled[0] != joplinPkg {
		t.Fatalf("uninstalled = %v", sd.Uninstalled)
	}
	// System apps cannot be uninstalled. Settings is at the end of the list.
	_ = p.Swipe(540, 2000, 540, 600, 400_000_000)
	tapTextOf(t, p, "Settings")
	tapTextOf(t, p, "Uninstall")
	if onScreen(t, p, "Do you want to uninstall this app?") {
		t.Fatal("a system app offered to uninstall")
	}
}

func TestSettingsScreenLockSetAndRemove(t *testing.T) {
	p := newTestPhone(t)
	launch(t, p, settingsPkg)
	for i := 0; i < 2; i++ {
		_ = p.Swipe(540, 2000, 540, 900, 400_000_000)
	}
	tapTextOf(t, p, "Security & privacy")
	tapTextOf(t, p, "Device unlock")
	tapTextOf(t, p, "Screen lock")
	tapTextOf(t, p, "Password")
	_ = p.Text("open sesame")
	key(t, p, "ENTER")
	_ = p.Text("open sesame")
	tapTextOf(t, p, "Confirm")
	if got := p.Setting("secure", "lockscreen.password_type"); got != lockPassword {
		t.Fatalf("password_type = %s", got)
	}
	var sd settingsData
	appStateOf(t, p, settingsPkg, &sd)
	if sd.ScreenLock.Type != "password" || sd.ScreenLock.Password != "open sesame" {
		t.Fatalf("lock = %+v", sd.ScreenLock)
	}
	// Removing it asks for the current password, then confirms.
	tapTextOf(t, p, "Screen lock")
	_ = p.Text("wrong")
	key(t, p, "ENTER")
	mustSee(t, p, "Wrong password. Try again.")
	_ = p.Text("open sesame")
	key(t, p, "ENTER")
	tapTextOf(t, p, "None")
	tapTextOf(t, p, "Delete")
	if got := p.Setting("secure", "lockscreen.password_type"); got != lockNone {
		t.Fatalf("password_type = %s after removing the lock", got)
	}
}
