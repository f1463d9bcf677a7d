package ocr

import "strings"

// localeLanguages maps a locale's language subtag to the Tesseract
// language data that reads it.
var localeLanguages = map[string]string{
	"en": "eng", "pt": "por", "es": "spa", "de": "deu", "fr": "fra", "it": "ita", "nl": "nld",
	"ru": "rus", "uk": "ukr", "pl": "pol", "tr": "tur", "vi": "vie", "ar": "ara", "fa": "fas",
	"hi": "hin", "bn": "ben", "th": "tha", "id": "ind", "ms": "msa", "ja": "jpn", "ko": "kor",
	"he": "heb", "iw": "heb", "el": "ell", "cs": "ces", "sv": "swe", "da": "dan", "fi": "fin",
	"nb": "nor", "no": "nor", "ro": "ron", "hu": "hun",
}

// LanguagesForLocale returns the Tesseract languages for a device locale
// such as "pt-BR", "zh-Hans-CN", "zh_TW" or "ja-JP" (what `getprop
// persist.sys.locale` prints): the locale's language, then English, which
// every phone shows somewhere (app names, the status bar). An empty or
// unknown locale gives English alone. Chinese picks simplified or
// traditional script from the script or region subtag.
func LanguagesForLocale(locale string) []string {
	parts := strings.FieldsFunc(strings.ToLower(strings.TrimSpace(locale)), func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == '@' })
	if len(parts) == 0 {
		return []string{"eng"}
	}
	lang := parts[0]
	if lang == "zh" {
		script := "chi_sim"
		for _, p := range parts[1:] {
			if p == "hant" || p == "tw" || p == "hk" || p == "mo" {
				script = "chi_tra"
			}
		}
		return []string{script, "eng"}
	}
	l, ok := localeLanguages[lang]
	if !ok || l == "eng" {
		return []string{"eng"}
	}
	return []string{l, "eng"}
}
