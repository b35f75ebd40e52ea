package cmdutil

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
)

// Context is a named gateway with the API key to use there, kept in the configuration file.
type Context struct {
	Name    string `yaml:"name"`
	Gateway string `yaml:"gateway"`
	APIKey  string `yaml:"api_key,omitempty"`
}

// Config is the configuration file of udi: its contexts and the current one.
type Config struct {
	Current  string    `yaml:"current,omitempty"`
	Contexts []Context `yaml:"contexts,omitempty"`

	path string
}

// ConfigPath is where the configuration file is: UDI_CONFIG, else
// $XDG_CONFIG_HOME/udi/config.yaml, else $HOME/.config/udi/config.yaml; "" when none of these
// variables is set.
func ConfigPath(getenv func(string) string) string {
	if p := getenv("UDI_CONFIG"); p != "" {
		return p
	}
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "udi", "config.yaml")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "udi", "config.yaml")
	}
	return ""
}

// LoadConfig reads the configuration file; a file that does not exist is an empty
// configuration.
func LoadConfig(getenv func(string) string) (*Config, error) {
	c := &Config{path: ConfigPath(getenv)}
	if c.path == "" {
		return c, nil
	}
	b, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	if err := yaml.UnmarshalWithOptions(b, c, yaml.DisallowUnknownField()); err != nil {
		return nil, fmt.Errorf("%s: %s", c.path, firstLine(err.Error()))
	}
	return c, nil
}

// Path is the file the configuration was read from and is saved to.
func (c *Config) Path() string { return c.path }

// Find returns the context named name.
func (c *Config) Find(name string) (*Context, bool) {
	for i := range c.Contexts {
		if c.Contexts[i].Name == name {
			return &c.Contexts[i], true
		}
	}
	return nil, false
}

// CurrentContext returns the current context, if one is set.
func (c *Config) CurrentContext() (*Context, bool) {
	if c.Current == "" {
		return nil, false
	}
	return c.Find(c.Current)
}

// Put adds ctx, or replaces the context of the same name.
func (c *Config) Put(ctx Context) {
	if old, ok := c.Find(ctx.Name); ok {
		*old = ctx
		return
	}
	c.Contexts = append(c.Contexts, ctx)
}

// Remove deletes the context named name; removing the current one leaves none current.
func (c *Config) Remove(name string) bool {
	n := len(c.Contexts)
	c.Contexts = slices.DeleteFunc(c.Contexts, func(x Context) bool { return x.Name == name })
	if c.Current == name {
		c.Current = ""
	}
	return len(c.Contexts) < n
}

// Save writes the file readable by its owner only (0600, in a 0700 directory): it holds API
// keys. It is written to a temporary file first and renamed, so a crash leaves the old file.
func (c *Config) Save() error {
	if c.path == "" {
		return errors.New("no configuration file: set UDI_CONFIG, XDG_CONFIG_HOME or HOME")
	}
	b, err := yaml.Marshal(c)
	if err != nil {
		return err
	}
	dir := filepath.Dir(c.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".config-*.yaml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing left to remove
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), c.path)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
