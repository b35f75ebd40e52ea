package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/auth"
)

// loginForm shows the form, with a fresh double-submit token: a cookie the form's hidden
// field must match (its MAC), so no other site can sign a browser in.
func (s *console) loginForm(c *gin.Context) {
	s.loginPage(c, http.StatusOK, "")
}

func (s *console) loginPage(c *gin.Context, status int, alertKey string) {
	n, err := nonce()
	if err != nil {
		_ = c.Error(err)
		c.String(http.StatusInternalServerError, "console: %v", err)
		return
	}
	s.setCookie(c, loginCookie, n, loginTTL)
	p, _ := s.newPage(c, "loginTitle")
	p.CSRF = s.sign.csrf("login", n)
	if alertKey != "" {
		p.Alert = p.T.get(alertKey)
	}
	if c.Query("out") == "1" {
		p.Notice = p.T.get("signedOut")
	}
	render(c, status, "login", p)
}

// login signs in with an API key that signs for an organisation: 401 and the form again for
// any other key.
func (s *console) login(c *gin.Context) {
	n, err := c.Cookie(loginCookie)
	if err != nil || !s.sign.checkCSRF("login", n, c.PostForm("csrf")) {
		s.loginPage(c, http.StatusForbidden, "csrfRefused")
		return
	}
	key := strings.TrimSpace(c.PostForm("key"))
	p, ok := s.keys.Lookup(key)
	if !ok || p.Identity == nil {
		s.loginPage(c, http.StatusUnauthorized, "loginRefused")
		return
	}
	r, err := nonce()
	if err != nil {
		_ = c.Error(err)
		c.String(http.StatusInternalServerError, "console: %v", err)
		return
	}
	s.setCookie(c, loginCookie, "", -time.Second)
	s.setCookie(c, sessionCookie, s.sign.seal(session{KeyHash: auth.HashKey(key), Name: p.Name,
		Expires: s.now().Add(SessionTTL).Unix(), Nonce: r}), SessionTTL)
	c.Redirect(http.StatusSeeOther, Prefix+"/")
}

// logout ends the session in this browser. The cookie is the session: one copied elsewhere
// stays valid until it expires, unless the key is removed or the secret changes.
func (s *console) logout(c *gin.Context) {
	s.setCookie(c, sessionCookie, "", -time.Second)
	c.Redirect(http.StatusSeeOther, Prefix+"/login?out=1")
}

// home is the recall dashboard for those who follow recalls, the stock for the others.
func (s *console) home(c *gin.Context) {
	u := userOf(c)
	if s.directory(c, u).seesRecalls(u) {
		c.Redirect(http.StatusSeeOther, Prefix+"/recalls")
		return
	}
	c.Redirect(http.StatusSeeOther, Prefix+"/stock")
}
