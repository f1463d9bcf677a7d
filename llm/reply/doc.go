// Package reply reads the JSON that language models write, which is often not
// the JSON the specification allows: objects in ``` fences or wrapped in
// prose, several objects in one reply, trailing or missing commas, single
// quotes, unquoted keys, Python literals (True, False, None) and tuples,
// comments, raw newlines and unescaped quotes inside strings, and full-width
// punctuation (｛ ： ， “ ” ｝) from models answering in Chinese.
//
// Objects returns every top-level object in a reply; Decode fills a Go value
// from the object that fits it best, matching keys without regard to case or
// to "_", "-" and spaces, and mending the usual type slips (a number written
// as a string, one string where a list was wanted). Find and ParseValue are the
// lower-level readers the action parser uses.
//
// Errors are *Error values whose text quotes what is wrong, so that it can be
// given back to the model as is. Everything here is safe for concurrent use.
package reply
