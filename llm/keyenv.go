package llm

// KeyEnv is the environment variable Config.Resolve reads p's key from
// ("OPENAI_API_KEY"), or "" for providers without one.
func KeyEnv(p Provider) string { return providers[p].keyEnv }
