package mobilebench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// Errors about history files; test with errors.Is.
var (
	// ErrDuplicateHistory: two lines give a history for the same item.
	ErrDuplicateHistory = errors.New("duplicate history")
	// ErrUnknownID: a history names an item that is not in the items.
	ErrUnknownID = errors.New("history for an unknown item")
	// ErrBadHistory: a history line does not have the documented form.
	ErrBadHistory = errors.New("bad history line")
)

// Episode is one agent run on one item, one JSON line of a histories file:
//
//	{"set": "SAST"|"SAMT"|"MAMT", "id": N, "history": ["…", …], "finished": true|false}
//
// History is H, the entries as the reference runner writes them (see
// [Click], [APICall], [Successful]); Finished is whether the agent itself
// declared the task done within its step limit. Other keys are ignored.
type Episode struct {
	Set      Set      `json:"set"`
	ID       int      `json:"id"`
	History  []string `json:"history"`
	Finished bool     `json:"finished"`

	src string // file:line
}

// ReadHistoriesFile reads a histories file; see [ReadHistories].
func ReadHistoriesFile(path string) ([]Episode, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mobilebench: histories: %w", err)
	}
	defer f.Close()
	return ReadHistories(f, path)
}

// ReadHistories reads JSON Lines of [Episode], from a file called name.
// Blank lines are skipped. A malformed line, a missing or mistyped key, an
// unknown set or a second line for the same item is an [*InputError] with
// its line number.
func ReadHistories(r io.Reader, name string) ([]Episode, error) {
	br := bufio.NewReader(r)
	var eps []Episode
	seen := make(map[itemKey]int)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("mobilebench: %s: %w", name, err)
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if t := bytes.TrimSpace(line); len(t) > 0 {
			ep, perr := parseEpisode(t)
			if perr != nil {
				return nil, &InputError{File: name, Line: n, Err: perr}
			}
			k := itemKey{ep.Set, ep.ID}
			if first, dup := seen[k]; dup {
				return nil, &InputError{File: name, Line: n, Err: fmt.Errorf(
					"%w: %s id %d already has a history on line %d; keep one line per item", ErrDuplicateHistory, ep.Set, ep.ID, first)}
			}
			seen[k] = n
			ep.src = name + ":" + strconv.Itoa(n)
			eps = append(eps, ep)
		}
		if err == io.EOF {
			return eps, nil
		}
	}
}

type itemKey struct {
	set Set
	id  int
}

const episodeForm = `{"set": "SAST", "id": 1, "history": ["click(<…>)", …], "finished": true}`

func parseEpisode(line []byte) (Episode, error) {
	var ep Episode
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return ep, fmt.Errorf("%w: not JSON (%v at column %d); each line is one object %s", ErrBadHistory, se, se.Offset, episodeForm)
		}
		return ep, fmt.Errorf("%w: the line is not a JSON object; each line is one object %s", ErrBadHistory, episodeForm)
	}
	for _, k := range [...]string{"set", "id", "history", "finished"} {
		if _, ok := obj[k]; !ok {
			return ep, fmt.Errorf("%w: no %q; each line is one object %s", ErrBadHistory, k, episodeForm)
		}
	}
	var set string
	if sr := bytes.TrimSpace(obj["set"]); len(sr) == 0 || sr[0] != '"' || json.Unmarshal(sr, &set) != nil {
		return ep, fmt.Errorf("%w: \"set\" is %s; want \"SAST\", \"SAMT\" or \"MAMT\"", ErrBadHistory, kindOf(bytes.TrimSpace(obj["set"])))
	}
	var err error
	if ep.Set, err = ParseSet(set); err != nil {
		return ep, err
	}
	idRaw := bytes.TrimSpace(obj["id"])
	if ep.ID, err = strconv.Atoi(string(idRaw)); err != nil {
		return ep, fmt.Errorf("%w: \"id\" is %s; want the item's integer id", ErrBadHistory, idRaw)
	}
	hRaw := bytes.TrimSpace(obj["history"])
	if len(hRaw) == 0 || hRaw[0] != '[' {
		return ep, fmt.Errorf("%w: \"history\" is %s; want a list of strings (may be empty)", ErrBadHistory, kindOf(hRaw))
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(hRaw, &entries); err != nil {
		return ep, fmt.Errorf("%w: \"history\": %v", ErrBadHistory, err)
	}
	ep.History = make([]string, len(entries))
	for i, e := range entries {
		if e = bytes.TrimSpace(e); len(e) == 0 || e[0] != '"' || json.Unmarshal(e, &ep.History[i]) != nil {
			return ep, fmt.Errorf("%w: history entry %d is %s; every entry is a string", ErrBadHistory, i, kindOf(e))
		}
	}
	switch f := string(bytes.TrimSpace(obj["finished"])); f {
	case "true", "false":
		ep.Finished = f == "true"
	default:
		return ep, fmt.Errorf("%w: \"finished\" is %s; want true or false", ErrBadHistory, kindOf(json.RawMessage(f)))
	}
	return ep, nil
}
