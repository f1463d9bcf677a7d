package llmtest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // decode image parts for their size
	_ "image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/llm/openai"
)

// Key is the API key Profile and Client send. Tests assert it never shows up
// where it should not.
const Key = "sk-llmtest-0123456789abcdef"

// DefaultModel is the model name Profile uses and replies report.
const DefaultModel = "llmtest-model"

// Server is a scripted OpenAI-compatible endpoint. It is safe for concurrent
// use.
type Server struct {
	// URL is the base URL with the /v1 suffix, as clients expect.
	URL string

	t       testing.TB
	srv     *httptest.Server
	closing chan struct{}

	mu         sync.Mutex
	replies    []*Reply
	requests   []*Request
	unexpected []string
}

// NewServer starts a server that is closed and verified when t ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, closing: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/chat/completions", s.chat)
	mux.HandleFunc("/chat/completions", s.chat)
	mux.HandleFunc("/v1/models", s.models)
	mux.HandleFunc("/models", s.models)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(fmt.Sprintf("unexpected request %s %s: llmtest serves /v1/chat/completions and /v1/models", r.Method, r.URL.Path))
		writeError(w, http.StatusNotFound, "llmtest: no such endpoint "+r.URL.Path, "not_found")
	})
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL + "/v1"
	t.Cleanup(s.verify)
	return s
}

// Profile returns a resolved profile pointing at s, for a vision- and
// JSON-capable model.
func (s *Server) Profile() llm.Profile {
	return llm.Profile{
		Provider:     llm.ProviderCompatible,
		Model:        DefaultModel,
		BaseURL:      s.URL,
		APIKey:       Key,
		Capabilities: llm.Capabilities{Vision: true, JSONMode: true, ContextWindow: 128000, Known: true},
	}
}

// Config returns an openai.Config for s whose retries do not sleep (the waits
// they would make are dropped) and whose logger discards. Adjust it and pass
// it to openai.New.
func (s *Server) Config() openai.Config {
	return openai.Config{
		Profile: s.Profile(),
		Sleep:   func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		Rand:    func() float64 { return 0 },
	}
}

// Client returns an *openai.Client for s built from Config.
func (s *Server) Client() *openai.Client {
	c, err := openai.New(s.Config())
	if err != nil {
		s.t.Fatalf("llmtest: %v", err)
	}
	return c
}

// Reply scripts a successful reply whose message content is text.
func (s *Server) Reply(text string) *Reply {
	return s.add(&Reply{status: http.StatusOK, text: text})
}

// ReplyWith scripts a reply whose content fn writes from the request when
// it arrives: a scripted model that reads what it was sent (the element
// list of the screen, say) as a real one would. fn runs on the server's
// goroutine; it may call t.Error but not t.Fatal.
func (s *Server) ReplyWith(fn func(*Request) string) *Reply {
	return s.add(&Reply{status: http.StatusOK, fn: fn})
}

// ReplyJSON scripts a reply whose content is v encoded as JSON. Strings and
// []byte are sent as they are, so malformed JSON can be scripted too.
func (s *Server) ReplyJSON(v any) *Reply {
	var text string
	switch x := v.(type) {
	case string:
		text = x
	case []byte:
		text = string(x)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			s.t.Fatalf("llmtest: ReplyJSON: %v", err)
		}
		text = string(b)
	}
	return s.Reply(text)
}

// ReplyError scripts an HTTP error. An empty body becomes an OpenAI-shaped
// error object; header may be nil (set "Retry-After" here).
func (s *Server) ReplyError(status int, body string, header http.Header) *Reply {
	if body == "" {
		body = errorBody(fmt.Sprintf("llmtest: scripted %d %s", status, http.StatusText(status)), codeFor(status))
	}
	return s.add(&Reply{status: status, body: body, header: header})
}

// ReplyHang scripts a reply that never comes: the request is held open until
// the client gives up (its timeout or ctx), for timeout tests.
func (s *Server) ReplyHang() *Reply {
	return s.add(&Reply{hang: true})
}

// ReplyTrickle scripts a reply that starts and never ends: the status and a
// byte of the body come at once, then one more byte every interval until
// the client gives up.
func (s *Server) ReplyTrickle(interval time.Duration) *Reply {
	return s.add(&Reply{trickle: interval})
}

// ReplyBody scripts a 200 reply with body sent as it is (garbage, a cut
// JSON object, HTML from a proxy).
func (s *Server) ReplyBody(body string) *Reply {
	return s.add(&Reply{status: http.StatusOK, body: body, raw: true})
}

func (s *Server) add(r *Reply) *Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.s, r.times, r.index = s, 1, len(s.replies)
	s.replies = append(s.replies, r)
	return r
}

// Requests returns the requests received so far, in arrival order.
func (s *Server) Requests() []*Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Request(nil), s.requests...)
}

// Request returns the i-th request received, failing the test if there are
// fewer.
func (s *Server) Request(i int) *Request {
	s.t.Helper()
	reqs := s.Requests()
	if i < 0 || i >= len(reqs) {
		s.t.Fatalf("llmtest: request %d asked for, but %d arrived", i, len(reqs))
	}
	return reqs[i]
}

// Pending returns how many scripted replies are still owed a request.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.replies {
		if r.times > 0 && r.used < r.times {
			n += r.times - r.used
		}
	}
	return n
}

func (s *Server) fail(msg string) {
	s.mu.Lock()
	s.unexpected = append(s.unexpected, msg)
	s.mu.Unlock()
	s.t.Errorf("llmtest: %s", msg)
}

func (s *Server) verify() {
	close(s.closing)
	s.srv.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.replies {
		if r.times > 0 && r.used < r.times {
			s.t.Errorf("llmtest: scripted reply #%d (%s) was used %d of %d times; the code under test made fewer model calls than scripted", r.index, r.describe(), r.used, r.times)
		}
	}
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"object":"list","data":[{"id":%q,"object":"model","owned_by":"llmtest"}]}`, DefaultModel)
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.fail(fmt.Sprintf("unexpected %s %s: chat completions take POST", r.Method, r.URL.Path))
		writeError(w, http.StatusMethodNotAllowed, "llmtest: use POST", "bad_request")
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "llmtest: read body: "+err.Error(), "bad_request")
		return
	}
	req, err := parseRequest(r, body)
	if err != nil {
		s.fail(fmt.Sprintf("request %s %s is not a chat completion: %v", r.Method, r.URL.Path, err))
		writeError(w, http.StatusBadRequest, "llmtest: "+err.Error(), "bad_request")
		return
	}
	s.mu.Lock()
	req.Index = len(s.requests)
	s.requests = append(s.requests, req)
	var reply *Reply
	for _, rp := range s.replies {
		if (rp.times < 0 || rp.used < rp.times) && rp.accepts(req) {
			reply = rp
			break
		}
	}
	if reply != nil {
		reply.used++
	}
	s.mu.Unlock()
	if reply == nil {
		s.fail(fmt.Sprintf("unexpected request #%d: no scripted reply is left that accepts it (%d scripted); last user text: %q", req.Index, len(s.replies), truncate(req.LastUserText(), 200)))
		// 400, not 500, so clients do not retry an unscripted call.
		writeError(w, http.StatusBadRequest, "llmtest: no scripted reply for this request", "llmtest_unscripted")
		return
	}
	reply.serve(w, r, req, s.closing)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func codeFor(status int) string {
	switch {
	case status == 401 || status == 403:
		return "invalid_api_key"
	case status == 429:
		return "rate_limit_exceeded"
	case status >= 500:
		return "server_error"
	}
	return "invalid_request_error"
}

func errorBody(msg, code string) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "type": code, "code": code, "param": nil}})
	return string(b)
}

func writeError(w http.ResponseWriter, status int, msg, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, errorBody(msg, code))
}

// Reply is one scripted answer. Its methods configure it and return it for
// chaining; call them before the request arrives.
type Reply struct {
	s       *Server
	index   int
	text    string
	fn      func(*Request) string
	status  int
	body    string
	header  http.Header
	trickle time.Duration
	raw     bool
	hang    bool
	match   []Matcher
	times   int // <0: any number of times, not required
	used    int
	usage   *llm.Usage
	finish  string
	model   string
}

// When restricts the reply to requests every matcher accepts.
func (r *Reply) When(m ...Matcher) *Reply {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	r.match = append(r.match, m...)
	return r
}

// Times makes the reply serve n requests; all n are required at cleanup.
func (r *Reply) Times(n int) *Reply {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	r.times = n
	return r
}

// AnyTimes makes the reply serve any number of requests, none required.
func (r *Reply) AnyTimes() *Reply { return r.Times(-1) }

// WithUsage sets the token counts reported. By default they are estimated:
// 4 bytes of text a token, and images as llm.ImageTokens counts them.
func (r *Reply) WithUsage(prompt, completion int) *Reply {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	r.usage = &llm.Usage{PromptTokens: prompt, CompletionTokens: completion}
	return r
}

// WithHeader adds a response header.
func (r *Reply) WithHeader(key, value string) *Reply {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	if r.header == nil {
		r.header = http.Header{}
	}
	r.header.Add(key, value)
	return r
}

// WithFinishReason sets finish_reason ("stop" by default; "length" to test
// truncated replies).
func (r *Reply) WithFinishReason(reason string) *Reply {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	r.finish = reason
	return r
}

// WithModel sets the model name the reply reports (the request's by default).
func (r *Reply) WithModel(model string) *Reply {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	r.model = model
	return r
}

func (r *Reply) accepts(req *Request) bool {
	for _, m := range r.match {
		if !m.Fn(req) {
			return false
		}
	}
	return true
}

func (r *Reply) describe() string {
	var what string
	switch {
	case r.hang:
		what = "hang"
	case r.status != http.StatusOK:
		what = fmt.Sprintf("error %d", r.status)
	case r.fn != nil:
		what = "a reply written from the request"
	default:
		what = fmt.Sprintf("text %q", truncate(r.text, 60))
	}
	for _, m := range r.match {
		what += " when " + m.Desc
	}
	return what
}

func (r *Reply) serve(w http.ResponseWriter, hr *http.Request, req *Request, closing <-chan struct{}) {
	r.s.mu.Lock()
	hang, status, body, text := r.hang, r.status, r.body, r.text
	header, usage, finish, model := r.header.Clone(), r.usage, r.finish, r.model
	trickle, raw, fn := r.trickle, r.raw, r.fn
	r.s.mu.Unlock()
	if fn != nil {
		text = fn(req)
	}
	if hang {
		select {
		case <-hr.Context().Done():
		case <-closing:
		}
		return
	}
	if trickle > 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		f, _ := w.(http.Flusher)
		tick := time.NewTicker(trickle)
		defer tick.Stop()
		for {
			io.WriteString(w, " ")
			if f != nil {
				f.Flush()
			}
			select {
			case <-hr.Context().Done():
				return
			case <-closing:
				return
			case <-tick.C:
			}
		}
	}
	if raw {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
		return
	}
	for k, vs := range header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if status != http.StatusOK {
		w.WriteHeader(status)
		io.WriteString(w, body)
		return
	}
	if usage == nil {
		img := 0
		for _, im := range req.Images() {
			img += llm.ImageTokens(im.Width, im.Height, llm.ImageDetail(im.Detail))
		}
		usage = &llm.Usage{PromptTokens: len(req.Text())/4 + img + 1, CompletionTokens: len(text)/4 + 1}
	}
	if finish == "" {
		finish = "stop"
	}
	if model == "" {
		model = req.Model
	}
	resp := map[string]any{
		"id":      fmt.Sprintf("chatcmpl-llmtest-%d", req.Index),
		"object":  "chat.completion",
		"created": 1700000000 + req.Index,
		"model":   model,
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": text},
			"finish_reason": finish,
		}},
		"usage": map[string]any{
			"prompt_tokens":     usage.PromptTokens,
			"completion_tokens": usage.CompletionTokens,
			"total_tokens":      usage.Total(),
		},
	}
	json.NewEncoder(w).Encode(resp)
}

// Request is one chat completion request as the server received it.
type Request struct {
	Index    int
	Method   string
	Path     string
	Header   http.Header
	Body     []byte
	Model    string
	Messages []Message
	// ResponseFormat is response_format.type: "", "json_object" or
	// "json_schema"; Schema holds json_schema.schema when present.
	ResponseFormat string
	Schema         json.RawMessage
	Temperature    *float64
	MaxTokens      int // max_tokens or max_completion_tokens
	Stream         bool
}

// Message is one message of a Request.
type Message struct {
	Role   string
	Text   string // text parts joined with newlines
	Images []Image
}

// Image is one image_url part.
type Image struct {
	URL      string // as sent, usually a data URL
	Detail   string
	MIMEType string // from the data URL
	Data     []byte // decoded from the data URL
	Width    int    // decoded size; 0 when not decodable
	Height   int
}

// Text returns the text of all messages joined with newlines.
func (r *Request) Text() string {
	var parts []string
	for _, m := range r.Messages {
		if m.Text != "" {
			parts = append(parts, m.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// LastUserText returns the text of the last user message.
func (r *Request) LastUserText() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return r.Messages[i].Text
		}
	}
	return ""
}

// Images returns every image of every message.
func (r *Request) Images() []Image {
	var out []Image
	for _, m := range r.Messages {
		out = append(out, m.Images...)
	}
	return out
}

type wireRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	ResponseFormat *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
	Temperature         *float64 `json:"temperature"`
	MaxTokens           int      `json:"max_tokens"`
	MaxCompletionTokens int      `json:"max_completion_tokens"`
	Stream              bool     `json:"stream"`
}

func parseRequest(hr *http.Request, body []byte) (*Request, error) {
	var wr wireRequest
	if err := json.Unmarshal(body, &wr); err != nil {
		return nil, fmt.Errorf("body is not JSON: %w", err)
	}
	if wr.Model == "" {
		return nil, fmt.Errorf("no model field")
	}
	if len(wr.Messages) == 0 {
		return nil, fmt.Errorf("no messages")
	}
	req := &Request{
		Method: hr.Method, Path: hr.URL.Path, Header: hr.Header.Clone(), Body: body,
		Model: wr.Model, Temperature: wr.Temperature, MaxTokens: max(wr.MaxTokens, wr.MaxCompletionTokens), Stream: wr.Stream,
	}
	if wr.ResponseFormat != nil {
		req.ResponseFormat = wr.ResponseFormat.Type
		if wr.ResponseFormat.JSONSchema != nil {
			req.Schema = wr.ResponseFormat.JSONSchema.Schema
		}
	}
	for i, m := range wr.Messages {
		msg := Message{Role: m.Role}
		var s string
		if len(m.Content) == 0 || string(m.Content) == "null" {
		} else if json.Unmarshal(m.Content, &s) == nil {
			msg.Text = s
		} else {
			var parts []struct {
				Type     string `json:"type"`
				Text     string `json:"text"`
				ImageURL *struct {
					URL    string `json:"url"`
					Detail string `json:"detail"`
				} `json:"image_url"`
			}
			if err := json.Unmarshal(m.Content, &parts); err != nil {
				return nil, fmt.Errorf("message %d: content is neither a string nor a list of parts", i)
			}
			var texts []string
			for _, p := range parts {
				switch p.Type {
				case "text":
					texts = append(texts, p.Text)
				case "image_url":
					if p.ImageURL == nil {
						return nil, fmt.Errorf("message %d: image_url part without image_url", i)
					}
					msg.Images = append(msg.Images, decodeImage(p.ImageURL.URL, p.ImageURL.Detail))
				default:
					return nil, fmt.Errorf("message %d: unknown part type %q", i, p.Type)
				}
			}
			msg.Text = strings.Join(texts, "\n")
		}
		req.Messages = append(req.Messages, msg)
	}
	return req, nil
}

func decodeImage(url, detail string) Image {
	img := Image{URL: url, Detail: detail}
	rest, ok := strings.CutPrefix(url, "data:")
	if !ok {
		return img
	}
	meta, payload, ok := strings.Cut(rest, ",")
	if !ok {
		return img
	}
	img.MIMEType, _, _ = strings.Cut(meta, ";")
	if strings.HasSuffix(meta, ";base64") {
		data, err := base64.StdEncoding.DecodeString(payload)
		if err != nil {
			return img
		}
		img.Data = data
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
			img.Width, img.Height = cfg.Width, cfg.Height
		}
	}
	return img
}
