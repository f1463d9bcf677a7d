// Package safety owns the gate between what an agent wants to do and the
// phone: risk assessment of an action in the context of the screen it acts on,
// policy rules loaded from YAML, the person in the loop (Confirmer for
// consent, Asker for missing information), prompt-injection defence (detection,
// wrapping of untrusted screen text, taint tracking of actions that trace back
// to injected content), secrets the model never sees, redaction of secrets and
// password text from every output, an optional model-based risk Judge, and an
// audit trail of every decision as JSON lines.
//
// It never executes actions and never talks to a device or a model itself: the
// agents package asks Gate.Check before the executor runs an action, and the
// executor asks Secrets for the value of a type_secret action.
//
// Screen content is untrusted data. Nothing in it is ever treated as an
// instruction; text that looks like one is reported as a Finding and any
// action that traces back to it is held for a person, however many steps
// later it comes (see TaintTracker).
//
// Harmful content (threats, encouragement of self-harm, illegal drugs,
// weapons, harassment, slurs, scams) is judged on normalised readings of the
// text an action would send: the field's text and the typed text together,
// on every path that sends it (a tap, long press or swipe that lands on a send
// control, type with submit, enter). The readings fold look-alike letters,
// invisible characters, leetspeak, spaced-out or run-together letters, and
// decode base64, hex, percent-encoding and HTML entities; the lexicon covers
// English, French, Spanish, German, Portuguese, Italian, Chinese, Russian and
// Arabic. Harmful content and a secret typed into a field that does not ask
// for it are always denied: no mode, answer or policy rule allows them.
package safety
