// Package actions owns the typed action space agents choose from, its JSON
// form and schema, the tolerant parser of model output, validation against a
// Screen, coordinate systems, conversion to and from AitW tuples, and the
// executor that turns an action into device calls. It decides nothing.
//
// Model dialects (Dialect, Dialects) are data: how a model family writes its
// actions, the coordinate system of its points (pixels of the image sent,
// 0–1, 0–1000, 0–999, or pixels of a Qwen smart-resized image) and how it
// numbers elements. ParseWith reads a reply in the dialect it is given and
// never guesses what the dialect states; testdata/replies holds real replies
// of many families that the tests parse.
//
// Conventions: a Swipe's Direction names the finger's movement ("up" moves
// the finger up, showing later items of a list); a parsed "scroll" names the
// content's movement and is flipped. Points carry their Space (pixels of the
// image the model saw, 0–1 or 0–1000); a Frame maps them to device pixels.
//
// Parse, Validate and the conversions are safe for concurrent use. An
// Executor should be used from the one goroutine that owns its device.
package actions
