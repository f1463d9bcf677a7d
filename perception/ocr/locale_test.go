package ocr

import (
	"strings"
	"testing"
)

func TestLanguagesForLocale(t *testing.T) {
	for in, want := range map[string]string{
		"pt-BR": "por+eng", "en-US": "eng", "": "eng", "zh-Hans-CN": "chi_sim+eng", "zh-CN": "chi_sim+eng",
		"zh-TW": "chi_tra+eng", "zh_Hant_HK": "chi_tra+eng", "ja-JP": "jpn+eng", "ko": "kor+eng", "ru-RU": "rus+eng",
		"es-419": "spa+eng", "de-DE": "deu+eng", "fr-CA": "fra+eng", "xx-YY": "eng", " vi-VN\n": "vie+eng",
	} {
		if got := strings.Join(LanguagesForLocale(in), "+"); got != want {
			t.Errorf("LanguagesForLocale(%q) = %s, want %s", in, got, want)
		}
	}
}
