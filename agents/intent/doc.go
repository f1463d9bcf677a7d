// Package intent reads the shape of a task in English ("Turn on dark
// theme", "Send 'running late' to Alex", "Set an alarm for 6:45 am", "What
// is the price of bananas?"): what it changes, where, and what the screen
// shows when it is done. The offline policy follows it, and the verify
// phase of the agents judges a claimed completion by it.
package intent
