package openai

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	goopenai "github.com/sashabaranov/go-openai"
	"golang.org/x/sync/semaphore"

	"github.com/mobagent/mobagent/llm"
)

// DefaultTimeout bounds one HTTP attempt when neither the call, the Config nor
// the Profile sets a timeout. Local models on small machines are slow.
const DefaultTimeout = 120 * time.Second

// Config builds a Client. Only Profile is required.
type Config struct {
	// Profile is the resolved endpoint (see llm.Config.Resolve).
	Profile llm.Profile
	// HTTPClient sends requests; nil means a client over Transport.
	HTTPClient *http.Client
	// Transport is used when HTTPClient is nil; nil means
	// http.DefaultTransport. Put a tape.Record or tape.Replay here.
	Transport http.RoundTripper
	// Retry bounds retries; the zero value makes up to 4 attempts.
	Retry llm.RetryPolicy
	// Images shrinks and encodes image parts.
	Images llm.ImagePolicy
	// Timeout bounds one attempt; 0 means Profile.Timeout, then DefaultTimeout.
	Timeout time.Duration
	// Prices costs calls of remote providers; nil means llm.DefaultPrices().
	Prices *llm.Prices
	// Meter accumulates usage; nil means a private Meter (see Client.Meter).
	Meter *llm.Meter
	// Logger receives one debug line per attempt and a warning per retry.
	// It never receives keys or message content. nil discards.
	Logger *slog.Logger
	// Sleep waits between retries and for the rate limit; nil means llm.Sleep.
	Sleep llm.SleepFunc
	// Now reads the clock; nil means time.Now.
	Now func() time.Time
	// Rand returns jitter in [0, 1); nil means math/rand/v2.
	Rand func() float64
}

// Client is an llm.Model for one OpenAI-compatible profile.
type Client struct {
	cfg     Config
	api     *goopenai.Client
	sem     *semaphore.Weighted
	limiter *rpmLimiter
	log     *slog.Logger
}

var _ llm.Model = (*Client)(nil)

// New returns a Client for cfg.Profile.
func New(cfg Config) (*Client, error) {
	p := cfg.Profile
	if p.Model == "" {
		return nil, errors.New("llm/openai: Config.Profile has no model; build it with llm.Config.Resolve(\"openai:gpt-4o\")")
	}
	if p.BaseURL == "" {
		return nil, fmt.Errorf("llm/openai: profile %s has no base URL; build it with llm.Config.Resolve", p)
	}
	if cfg.Sleep == nil {
		cfg.Sleep = llm.Sleep
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.Prices == nil {
		cfg.Prices = llm.DefaultPrices()
	}
	if cfg.Meter == nil {
		cfg.Meter = new(llm.Meter)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = p.Timeout
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: cfg.Transport}
	}
	var oc goopenai.ClientConfig
	if p.Provider == llm.ProviderAzure {
		oc = goopenai.DefaultAzureConfig(p.APIKey.Reveal(), p.BaseURL)
		oc.APIVersion = p.APIVersion
		oc.AzureModelMapperFunc = func(model string) string { return model }
	} else {
		oc = goopenai.DefaultConfig(p.APIKey.Reveal())
		oc.BaseURL = strings.TrimRight(p.BaseURL, "/")
	}
	oc.HTTPClient = capturingDoer{hc}
	c := &Client{cfg: cfg, api: goopenai.NewClientWithConfig(oc), log: log.With("profile", p.String())}
	if n := p.Limits.MaxConcurrent; n > 0 {
		c.sem = semaphore.NewWeighted(int64(n))
	}
	if n := p.Limits.RequestsPerMinute; n > 0 {
		c.limiter = &rpmLimiter{interval: time.Minute / time.Duration(n)}
	}
	return c, nil
}

// Profile returns the client's profile.
func (c *Client) Profile() llm.Profile { return c.cfg.Profile }

// Meter returns the meter the client records usage in.
func (c *Client) Meter() *llm.Meter { return c.cfg.Meter }

// Generate implements llm.Model.
func (c *Client) Generate(ctx context.Context, msgs []llm.Message, opts ...llm.Option) (*llm.Response, error) {
	o := llm.ApplyOptions(opts...)
	req, sizes, err := c.buildRequest(msgs, o)
	if err != nil {
		return nil, err
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = c.cfg.Timeout
	}
	start := c.cfg.Now()
	maxAttempts := c.cfg.Retry.Attempts()
	for attempt := 1; ; attempt++ {
		resp, hdr, err := c.attempt(ctx, req, timeout)
		if err == nil {
			return c.finish(resp, sizes, start, attempt), nil
		}
		lerr := c.classify(ctx, err, hdr, attempt)
		if lerr == nil { // the caller's ctx ended
			c.cfg.Meter.RecordFailure(c.cfg.Profile.Model)
			return nil, fmt.Errorf("llm: %s: %w", c.cfg.Profile, llm.RedactError(err, c.cfg.Profile.APIKey))
		}
		c.log.Debug("llm attempt failed", "attempt", attempt, "kind", lerr.Kind, "status", lerr.StatusCode)
		if !lerr.Retryable || attempt >= maxAttempts {
			c.cfg.Meter.RecordFailure(c.cfg.Profile.Model)
			return nil, lerr
		}
		delay := c.cfg.Retry.Backoff(attempt, c.cfg.Rand())
		if lerr.RetryAfter > 0 {
			if lerr.RetryAfter > c.cfg.Retry.RetryAfterCap() {
				lerr.Message += fmt.Sprintf(" (server asked to wait %s, more than RetryPolicy.MaxRetryAfter %s)", lerr.RetryAfter, c.cfg.Retry.RetryAfterCap())
				c.cfg.Meter.RecordFailure(c.cfg.Profile.Model)
				return nil, lerr
			}
			delay = lerr.RetryAfter
		}
		if dl, ok := ctx.Deadline(); ok && c.cfg.Now().Add(delay).After(dl) {
			lerr.Message += fmt.Sprintf(" (no time left to retry after %s before the ctx deadline)", delay)
			c.cfg.Meter.RecordFailure(c.cfg.Profile.Model)
			return nil, lerr
		}
		c.log.Warn("llm call failed; retrying", "attempt", attempt, "kind", lerr.Kind, "status", lerr.StatusCode, "delay", delay)
		if err := c.cfg.Sleep(ctx, delay); err != nil {
			c.cfg.Meter.RecordFailure(c.cfg.Profile.Model)
			return nil, fmt.Errorf("llm: %s: waiting to retry after %s: %w", c.cfg.Profile, lerr.Kind, err)
		}
	}
}

type captureKey struct{}

// capture holds what the transport saw of the last response of an attempt.
type capture struct {
	mu     sync.Mutex
	header http.Header
}

// capturingDoer keeps response headers (Retry-After) that go-openai drops on
// errors.
type capturingDoer struct{ c *http.Client }

func (d capturingDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.c.Do(req)
	if resp != nil {
		if cp, ok := req.Context().Value(captureKey{}).(*capture); ok {
			cp.mu.Lock()
			cp.header = resp.Header.Clone()
			cp.mu.Unlock()
		}
	}
	return resp, err
}

func (c *Client) attempt(ctx context.Context, req goopenai.ChatCompletionRequest, timeout time.Duration) (goopenai.ChatCompletionResponse, http.Header, error) {
	if c.sem != nil {
		if err := c.sem.Acquire(ctx, 1); err != nil {
			return goopenai.ChatCompletionResponse{}, nil, err
		}
		defer c.sem.Release(1)
	}
	if c.limiter != nil {
		if err := c.limiter.wait(ctx, c.cfg.Now, c.cfg.Sleep); err != nil {
			return goopenai.ChatCompletionResponse{}, nil, err
		}
	}
	cp := &capture{}
	actx, cancel := context.WithTimeout(context.WithValue(ctx, captureKey{}, cp), timeout)
	defer cancel()
	t0 := c.cfg.Now()
	resp, err := c.api.CreateChatCompletion(actx, req)
	c.log.Debug("llm attempt", "latency", c.cfg.Now().Sub(t0), "ok", err == nil)
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return resp, cp.header, err
}

func (c *Client) finish(resp goopenai.ChatCompletionResponse, sizes []image.Point, start time.Time, attempts int) *llm.Response {
	out := &llm.Response{
		Model:    resp.Model,
		Usage:    llm.Usage{PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens},
		Latency:  c.cfg.Now().Sub(start),
		Attempts: attempts,
	}
	if out.Model == "" {
		out.Model = c.cfg.Profile.Model
	}
	if len(resp.Choices) > 0 {
		out.Text = resp.Choices[0].Message.Content
		out.FinishReason = string(resp.Choices[0].FinishReason)
	}
	out.ImageSizes = sizes
	priced := true
	if !c.cfg.Profile.Provider.Local() {
		price, ok := c.cfg.Prices.Lookup(out.Model)
		if !ok {
			price, ok = c.cfg.Prices.Lookup(c.cfg.Profile.Model)
		}
		priced = ok
		out.Cost = price.Cost(out.Usage)
	}
	c.cfg.Meter.Record(out.Model, out.Usage, out.Cost, out.Latency, priced)
	return out
}

// classify turns err into an *llm.Error, or returns nil when the caller's ctx
// ended (which is not the provider's failure).
func (c *Client) classify(ctx context.Context, err error, hdr http.Header, attempt int) *llm.Error {
	if ctx.Err() != nil {
		return nil
	}
	key := c.cfg.Profile.APIKey
	e := &llm.Error{Provider: c.cfg.Profile.String(), Attempts: attempt, Err: llm.RedactError(err, key)}
	if hdr != nil {
		e.RetryAfter, _ = llm.ParseRetryAfter(hdr, c.cfg.Now())
	}
	var apiErr *goopenai.APIError
	var reqErr *goopenai.RequestError
	code := ""
	switch {
	case errors.As(err, &apiErr):
		e.StatusCode = apiErr.HTTPStatusCode
		e.Message = llm.Redact(apiErr.Message, key)
		if s, ok := apiErr.Code.(string); ok {
			code = s
		}
		if apiErr.Type != "" && code == "" {
			code = apiErr.Type
		}
		safe := *apiErr
		safe.Message = e.Message
		e.Err = &safe
	case errors.As(err, &reqErr):
		e.StatusCode = reqErr.HTTPStatusCode
		e.Message = llm.Redact(truncate(strings.TrimSpace(string(reqErr.Body)), 300), key)
		e.Err = fmt.Errorf("HTTP %d", reqErr.HTTPStatusCode)
	}
	if e.StatusCode != 0 {
		classifyStatus(e, code)
		return e
	}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		e.Kind, e.Retryable = llm.KindTimeout, true
		e.Message = fmt.Sprintf("no reply from %s within the attempt's timeout", c.cfg.Profile.BaseURL)
	case isConnErr(err):
		e.Kind, e.Retryable = llm.KindUnavailable, true
		e.Message = fmt.Sprintf("cannot reach %s", c.cfg.Profile.BaseURL)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		e.Kind, e.Retryable = llm.KindServer, true
		e.Message = fmt.Sprintf("%s closed the connection mid-response", c.cfg.Profile.BaseURL)
	default:
		e.Kind = llm.KindServer
		e.Message = fmt.Sprintf("unreadable response from %s: %s", c.cfg.Profile.BaseURL, llm.Redact(err.Error(), key))
	}
	return e
}

func classifyStatus(e *llm.Error, code string) {
	msg := strings.ToLower(e.Message + " " + code)
	switch s := e.StatusCode; {
	case s == 401 || s == 403:
		e.Kind = llm.KindAuth
	case s == 429:
		e.Kind = llm.KindRateLimit
		// An exhausted quota does not come back by waiting.
		e.Retryable = !strings.Contains(msg, "insufficient_quota")
	case s == 404:
		e.Kind = llm.KindNotFound
	case s == 408:
		e.Kind, e.Retryable = llm.KindTimeout, true
	case isContextLength(msg):
		e.Kind = llm.KindContextLength
	case s >= 500:
		e.Kind, e.Retryable = llm.KindServer, true
	case s == 409:
		e.Kind, e.Retryable = llm.KindServer, true
	default:
		e.Kind = llm.KindBadRequest
	}
}

func isContextLength(msg string) bool {
	for _, s := range []string{"context_length_exceeded", "maximum context length", "context length", "context window", "too many tokens", "prompt is too long", "exceeds the model's"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func isConnErr(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return errors.As(err, &opErr) || errors.As(err, &dnsErr)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (c *Client) buildRequest(msgs []llm.Message, o llm.CallOptions) (goopenai.ChatCompletionRequest, []image.Point, error) {
	p := c.cfg.Profile
	req := goopenai.ChatCompletionRequest{Model: p.Model, Stop: o.Stop, Seed: o.Seed}
	if len(msgs) == 0 {
		return req, nil, fmt.Errorf("llm/openai: %s: no messages to send", p)
	}
	var sizes []image.Point
	for i, m := range msgs {
		cm := goopenai.ChatCompletionMessage{Role: string(m.Role)}
		switch m.Role {
		case llm.RoleSystem, llm.RoleUser, llm.RoleAssistant:
		default:
			return req, nil, fmt.Errorf("llm/openai: message %d has role %q; use system, user or assistant", i, m.Role)
		}
		hasImage := false
		for _, part := range m.Parts {
			hasImage = hasImage || part.IsImage()
		}
		if !hasImage {
			cm.Content = m.Text()
			req.Messages = append(req.Messages, cm)
			continue
		}
		if m.Role != llm.RoleUser {
			return req, nil, fmt.Errorf("llm/openai: message %d (%s) has an image; only user messages may carry images", i, m.Role)
		}
		if p.Capabilities.Known && !p.Capabilities.Vision {
			return req, nil, fmt.Errorf("llm/openai: %s does not take images; use a vision model (such as openai:gpt-4o or ollama:qwen2.5vl:7b) or the text rendering of the screen", p)
		}
		for _, part := range m.Parts {
			if !part.IsImage() {
				if part.Text != "" {
					cm.MultiContent = append(cm.MultiContent, goopenai.ChatMessagePart{Type: goopenai.ChatMessagePartTypeText, Text: part.Text})
				}
				continue
			}
			data, mime, size, err := c.cfg.Images.Encode(part)
			if err != nil {
				return req, nil, fmt.Errorf("llm/openai: message %d: %w", i, err)
			}
			sizes = append(sizes, size)
			cm.MultiContent = append(cm.MultiContent, goopenai.ChatMessagePart{
				Type: goopenai.ChatMessagePartTypeImageURL,
				ImageURL: &goopenai.ChatMessageImageURL{
					URL:    "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data),
					Detail: goopenai.ImageURLDetail(c.cfg.Images.DetailFor(part)),
				},
			})
		}
		req.Messages = append(req.Messages, cm)
	}
	reasoning := isReasoningModel(p.Model)
	if o.Temperature != nil && !reasoning {
		t := float32(*o.Temperature)
		if t == 0 {
			t = math.SmallestNonzeroFloat32 // go-openai omits a zero temperature
		}
		req.Temperature = t
	}
	if o.MaxTokens > 0 {
		if p.Provider == llm.ProviderOpenAI || reasoning {
			req.MaxCompletionTokens = o.MaxTokens
		} else {
			// Most OpenAI-compatible servers (vLLM, Ollama, llama.cpp,
			// DashScope) read max_tokens and not its replacement.
			req.MaxTokens = o.MaxTokens //lint:ignore SA1019 max_tokens is what compatible servers read
		}
	}
	switch {
	case o.Schema != nil:
		name := o.Schema.Name
		if name == "" {
			name = "response"
		}
		req.ResponseFormat = &goopenai.ChatCompletionResponseFormat{
			Type:       goopenai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &goopenai.ChatCompletionResponseFormatJSONSchema{Name: name, Schema: o.Schema.Schema, Strict: o.Schema.Strict},
		}
	case o.JSON:
		req.ResponseFormat = &goopenai.ChatCompletionResponseFormat{Type: goopenai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return req, sizes, nil
}

func isReasoningModel(model string) bool {
	m := strings.ToLower(model)
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

// rpmLimiter spaces request starts at least interval apart. Time comes from
// the Client so tests control it.
type rpmLimiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func (l *rpmLimiter) wait(ctx context.Context, now func() time.Time, sleep llm.SleepFunc) error {
	l.mu.Lock()
	t := now()
	slot := l.next
	if slot.Before(t) {
		slot = t
	}
	l.next = slot.Add(l.interval)
	l.mu.Unlock()
	if d := slot.Sub(t); d > 0 {
		return sleep(ctx, d)
	}
	return nil
}
