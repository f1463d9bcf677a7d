// Package format holds the conventions of every file mobagent writes
// (perceive --json, run.json, steps.jsonl, calls.jsonl, memory exports,
// benchmark results) and their JSON Schemas.
//
// Formats v2, the convention: rectangles are [left, top, right, bottom] in
// device pixels and points [x, y] (see perception.Rect); 64-bit hashes are
// 16-hex-digit strings (perception.Hash); durations are numbers of
// milliseconds in fields named *_ms (Millis); enums are words; keys are
// snake_case; nothing is written twice and no field is always empty. Each
// file, and each line of a JSON Lines file, carries "format": Version.
//
// The schemas are embedded: Names lists them, Schema returns one, and
// Validate checks a document against one. docs/formats.md describes every
// field; `mobagent schema NAME` prints a schema.
package format
