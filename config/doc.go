// Package config reads mobagent's configuration file
// ($XDG_CONFIG_HOME/mobagent/config.yaml, or the file --config names): named
// model profiles (endpoint, where the key comes from, dialect and coordinate
// space, price, rate limits), defaults for the task flags, a model per role
// with a routing preset, the safety policy file, devices and the MCP server.
//
// Load parses the file with the position of every value, so an error names
// the file, line and column, says what is wrong and how to fix it, and an
// unknown key is named with the nearest known one. Every value set in the
// file keeps its position (Config.Origin), which `mobagent config show`
// prints beside it; the command line decides precedence (flags over the
// environment over the file over the defaults).
//
// Keys never sit in the file unless the file is private: a model's key comes
// from an environment variable (api_key_env), a key file of mode 0600
// (api_key_file), or, only in a config file of mode 0600, api_key itself.
// Config.Values and ModelSpec hide them.
//
// A Config is read-only after Load and safe for concurrent use.
package config
