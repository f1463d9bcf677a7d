// Package script is the script mode of the agents (after AutoDroid-V2): a
// model writes the whole task once as a short script, and an interpreter
// runs it one action at a time without asking a model again.
package script
