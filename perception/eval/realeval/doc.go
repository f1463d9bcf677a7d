// Package realeval measures perception on real phones' screens that nobody
// on this project made: pairs of a screenshot (PNG or JPEG) and the view
// hierarchy dumped with it (uiautomator XML or Appium page source), with the
// words drawn on each screen written down by hand once (truth.txt).
//
// It owns the truth format (ParseTruth), loading a folder of screens
// (Load), the scoring of OCR words against the drawn text (ScoreWords), the
// evaluation of what an agent is given (Evaluate: the text the hierarchy
// lacks that reaches the agent, and the noise among the elements that only
// OCR found), and the summary per screen and per group (plain UI, web,
// photo/video, non-Latin) behind `mobagent bench perception --real DIR`.
//
// The screens kept with the project are in testdata/screens, with their
// sources, licences and the personal data painted over in
// testdata/SOURCE.md. Product code must not import this package.
package realeval
