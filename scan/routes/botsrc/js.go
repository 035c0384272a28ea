package botsrc

import (
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/evidence"
)

// jsAuthCall matches a server action body that looks up the caller's
// session before acting (NextAuth, Auth.js, Clerk, Supabase, Lucia, Kinde
// and the helpers apps wrap them in). Session getters take no argument:
// getUser(email) is a database lookup, not a session check. Supabase's
// auth.updateUser changes only the session's own user and fails without one.
var jsAuthCall = regexp.MustCompile(`\b(auth|getSession|currentUser|getCurrentUser|getUser|getAuth|getAuthUser|getSessionUser|getLoggedInUser|validateRequest|verifySession|getServerAuthSession|getKindeServerSession|isAuthenticated|getUserOrThrow)\s*\(\s*\)|\b(getServerSession|requireAuth|requireUser|requireSession|requireAdmin|checkAuth|ensureAuth|assertAuthenticated|withAuth)\s*\(|\.protect\s*\(|\.auth\.updateUser\s*\(`)

// jsBodyCheck matches a bot handler that compares the caller's identity or
// permissions before acting.
var jsBodyCheck = regexp.MustCompile(`(?i)permissions\.has\(|memberPermissions|roles\.cache\.(has|some)\(|(from|user|author|member)\.id\s*(===|!==|==|!=)|(includes|has)\(\s*(ctx\.from|ctx\.message\.from|interaction\.user|message\.author|user)\.id|\b(admin|owner)\w*\s*(===|!==|\.includes)`)

func (f *file) jsString(n *sitter.Node, consts map[string]string) (string, bool) {
	if n == nil {
		return "", false
	}
	switch n.Type() {
	case "string":
		t := f.text(n)
		if len(t) >= 2 {
			return t[1 : len(t)-1], true
		}
	case "template_string":
		if n.NamedChildCount() == 0 {
			t := f.text(n)
			return t[1 : len(t)-1], true
		}
	case "identifier", "member_expression":
		s, ok := consts[f.text(n)]
		return s, ok
	}
	return "", false
}

func (f *file) jsStrings(n *sitter.Node, consts map[string]string) ([]string, bool) {
	if n != nil && n.Type() == "array" {
		var out []string
		for i := 0; i < int(n.NamedChildCount()); i++ {
			s, ok := f.jsString(n.NamedChild(i), consts)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, len(out) > 0
	}
	s, ok := f.jsString(n, consts)
	return []string{s}, ok
}

func jsArgs(n *sitter.Node) []*sitter.Node {
	args := n.ChildByFieldName("arguments")
	var out []*sitter.Node
	if args == nil {
		return nil
	}
	for i := 0; i < int(args.NamedChildCount()); i++ {
		if a := args.NamedChild(i); a.Type() != "comment" {
			out = append(out, a)
		}
	}
	return out
}

// directive reports whether a program or statement block starts with the
// directive 'use server'.
func (f *file) directive(block *sitter.Node) bool {
	if block == nil {
		return false
	}
	for i := 0; i < int(block.NamedChildCount()); i++ {
		st := block.NamedChild(i)
		if st.Type() == "comment" {
			continue
		}
		if st.Type() != "expression_statement" || st.NamedChildCount() == 0 {
			return false
		}
		s, ok := f.jsString(st.NamedChild(0), nil)
		return ok && s == "use server"
	}
	return false
}

func (f *file) js() {
	src := string(f.src)
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(src, x) {
				return true
			}
		}
		return false
	}
	slack := has("@slack/bolt")
	tg := has("telegraf", "grammy")
	tgName := Telegraf
	if has("grammy") {
		tgName = Grammy
	}
	if !tg {
		// grammY on Deno is often imported through a local deps file.
		for _, m := range regexp.MustCompile(`from\s*['"](\.[^'"]+)['"]`).FindAllStringSubmatch(src, -1) {
			if dep, ok := f.lookup(f.rel, m[1]); ok && (strings.Contains(string(dep), "grammy") || strings.Contains(string(dep), "telegraf")) {
				tg = true
				if strings.Contains(string(dep), "grammy") {
					tgName = Grammy
				}
				break
			}
		}
	}
	bull, cronLib, kafka := has("bullmq"), has("node-cron", "CronJob"), has("kafkajs")
	consts := map[string]string{}
	f.funcs = map[string]*sitter.Node{}
	f.jsGuarded = map[string]bool{}
	walk(f.root, func(n *sitter.Node) bool {
		switch n.Type() {
		case "variable_declarator":
			// const admin = bot.filter((ctx) => ADMINS.includes(ctx.from.id))
			if v := n.ChildByFieldName("value"); v != nil && v.Type() == "call_expression" && strings.HasSuffix(f.text(v.ChildByFieldName("function")), ".filter") {
				if a := f.text(v.ChildByFieldName("arguments")); jsBodyCheck.MatchString(a) || privileged.MatchString(a) {
					f.jsGuarded[f.text(n.ChildByFieldName("name"))] = true
				}
			}
			if s, ok := f.jsString(n.ChildByFieldName("value"), nil); ok {
				consts[f.text(n.ChildByFieldName("name"))] = s
			}
			if v := n.ChildByFieldName("value"); v != nil && (v.Type() == "arrow_function" || v.Type() == "function_expression" || v.Type() == "function") {
				f.funcs[f.text(n.ChildByFieldName("name"))] = v
			}
		case "function_declaration":
			f.funcs[f.text(n.ChildByFieldName("name"))] = n
		}
		return true
	})
	if f.directive(f.root) {
		f.serverActionsFile(consts)
	}
	builders := 0
	walk(f.root, func(n *sitter.Node) bool {
		if n.Type() == "new_expression" && strings.HasSuffix(f.text(n.ChildByFieldName("constructor")), "CommandBuilder") {
			builders++
		}
		return true
	})
	walk(f.root, func(n *sitter.Node) bool {
		switch n.Type() {
		case "function_declaration", "arrow_function", "function_expression", "function", "method_definition":
			if body := n.ChildByFieldName("body"); body != nil && body.Type() == "statement_block" && f.directive(body) && n.Parent() != nil && !f.directive(f.root) {
				f.inlineAction(n)
			}
		case "new_expression":
			ctor := lastName(f.text(n.ChildByFieldName("constructor")))
			args := jsArgs(n)
			switch {
			case strings.HasSuffix(ctor, "CommandBuilder") && ctor != "SlashCommandSubcommandBuilder":
				f.discordBuilder(n, builders == 1)
			case slack && (ctor == "App" || ctor == "ExpressReceiver" || ctor == "HTTPReceiver"):
				opts := ""
				if len(args) > 0 {
					opts = f.text(args[0])
				}
				if ctor == "App" && (regexp.MustCompile(`socketMode\s*:\s*true`).MatchString(opts) || strings.Contains(opts, "receiver")) {
					return true
				}
				var g []string
				if strings.Contains(opts, "signingSecret") {
					g = append(g, evidence.GuardSignature)
				}
				p := "/slack/events"
				if m := regexp.MustCompile(`endpoints\s*:\s*['"]([^'"]+)['"]`).FindStringSubmatch(opts); m != nil {
					p = m[1]
				}
				f.add(n, evidence.RouteKindBotWebhook, "POST", p, SlackBolt, "", g)
			case bull && ctor == "Worker" && len(args) > 0:
				if s, ok := f.jsString(args[0], consts); ok {
					f.add(n, evidence.RouteKindQueue, methodCons, s, BullMQ, handlerName(f, args, 1), nil)
				} else {
					f.unresolved(n, "BullMQ worker on a queue whose name is not a literal")
				}
			case cronLib && ctor == "CronJob" && len(args) > 0:
				f.cronJob(n, args, consts)
			}
		case "call_expression":
			f.jsCall(n, slack, tg, tgName, bull, cronLib, kafka, consts)
		case "object":
			if has("discord.js") {
				f.discordObjectCommand(n)
			}
		}
		return true
	})
}

func handlerName(f *file, args []*sitter.Node, i int) string {
	if i < len(args) && args[i].Type() == "identifier" {
		return f.text(args[i])
	}
	return ""
}

func (f *file) cronJob(n *sitter.Node, args []*sitter.Node, consts map[string]string) {
	s, ok := f.jsString(args[0], consts)
	if !ok {
		f.unresolved(n, "scheduled job whose schedule is not a literal")
		return
	}
	name := handlerName(f, args, 1)
	f.add(n, evidence.RouteKindCron, methodJob, s, NodeCron, name, nil)
}

func (f *file) jsCall(n *sitter.Node, slack, tg bool, tgName string, bull, cronLib, kafka bool, consts map[string]string) {
	fn := n.ChildByFieldName("function")
	if tg && fn != nil && fn.Type() == "identifier" && f.text(fn) == "webhookCallback" {
		// grammY: webhookCallback(bot, "express", {secretToken}).
		f.tgWebhook(n, nil, f.text(n.ChildByFieldName("arguments")), tgName, consts)
		return
	}
	if fn == nil || fn.Type() != "member_expression" {
		return
	}
	prop := f.text(fn.ChildByFieldName("property"))
	obj := f.text(fn.ChildByFieldName("object"))
	args := jsArgs(n)
	argText := f.text(n.ChildByFieldName("arguments"))
	guards := func() []string {
		var g []string
		for _, a := range args[min(1, len(args)):] {
			switch a.Type() {
			case "identifier", "call_expression", "member_expression":
				if privileged.MatchString(f.text(a)) {
					g = append(g, evidence.GuardPermission)
				}
			}
			if f.guardClause(a, jsBodyCheck) {
				g = append(g, evidence.GuardPermission)
			}
			if a.Type() == "identifier" {
				if def := f.funcs[f.text(a)]; def != nil && f.guardClause(def, jsBodyCheck) {
					g = append(g, evidence.GuardPermission)
				}
			}
		}
		return g
	}
	if tg && f.jsGuarded[obj] {
		// Registered on a bot or composer that a privilege middleware or
		// filter already guards.
		inner := guards
		guards = func() []string { return append(inner(), evidence.GuardPermission) }
	}
	switch {
	case tg && prop == "use" && len(args) == 1:
		// bot.use(adminOnly) guards what is registered after it.
		a := args[0]
		if (a.Type() == "identifier" || a.Type() == "call_expression") && privileged.MatchString(f.text(a)) ||
			(a.Type() == "arrow_function" || a.Type() == "function_expression") && f.guardClause(a, jsBodyCheck) {
			f.jsGuarded[obj] = true
		}
	case slack && (prop == "command" || prop == "event" || prop == "action" || prop == "shortcut" || prop == "view" || prop == "options" || prop == "message") && len(args) >= 2:
		c := pyCall{node: n, callee: obj + "." + prop, args: args, kwargs: map[string]*sitter.Node{}}
		handler := handlerName(f, args, len(args)-1)
		if handler == "" {
			handler = prop
			if lit, ok := f.jsString(args[0], consts); ok && prop == "message" {
				handler = lit
			}
		}
		f.slackHandler(c, prop, handler, guards(), consts, f.jsString)
	case tg && (prop == "command" || prop == "start" || prop == "help" || prop == "settings") && len(args) >= 1 && obj != "cron":
		g := guards()
		if prop != "command" {
			f.add(n, evidence.RouteKindBotCommand, methodCmd, "/"+prop, tgName, "", g)
			return
		}
		names, ok := f.jsStrings(args[0], consts)
		if !ok {
			f.unresolved(n, "Telegram command registered under a name that is not a literal")
			return
		}
		for _, name := range names {
			f.add(n, evidence.RouteKindBotCommand, methodCmd, commandPath(name), tgName, handlerName(f, args, len(args)-1), g)
		}
	case tg && (prop == "hears" || prop == "on" || prop == "action" || prop == "callbackQuery" || prop == "inlineQuery") && len(args) >= 2 && !strings.Contains(obj, "process") && !strings.Contains(obj, "client"):
		method := methodMsg
		if prop == "action" || prop == "callbackQuery" || prop == "inlineQuery" {
			method = methodCB
		}
		name := prop
		if s, ok := f.jsString(args[0], consts); ok {
			name = s
		} else if args[0].Type() == "call_expression" {
			if ss := regexp.MustCompile(`['"]([\w:]+)['"]`).FindStringSubmatch(f.text(args[0])); ss != nil {
				name = ss[1]
			}
		}
		name = strings.ReplaceAll(name, ":", "-")
		kind := "/message/"
		if method == methodCB {
			kind = "/callback/"
		}
		f.add(n, evidence.RouteKindBotCommand, method, kind+name, tgName, handlerName(f, args, len(args)-1), guards())
	case tg && (prop == "webhookCallback" || prop == "createWebhook" || (prop == "launch" && strings.Contains(argText, "webhook"))):
		f.tgWebhook(n, args, argText, tgName, consts)
	case cronLib && obj == "cron" && prop == "schedule" && len(args) > 0:
		f.cronJob(n, args, consts)
	case kafka && prop == "subscribe" && len(args) > 0:
		m := regexp.MustCompile(`topics?\s*:\s*(\[[^\]]*\]|'[^']*'|"[^"]*"|[\w.]+)`).FindStringSubmatch(argText)
		if m == nil {
			return
		}
		lits := regexp.MustCompile(`['"]([^'"]+)['"]`).FindAllStringSubmatch(m[1], -1)
		if len(lits) == 0 {
			if s, ok := consts[m[1]]; ok {
				lits = [][]string{{"", s}}
			} else {
				f.unresolved(n, "Kafka consumer of a topic that is not a literal")
				return
			}
		}
		for _, l := range lits {
			f.add(n, evidence.RouteKindQueue, methodCons, l[1], Kafka, "", nil)
		}
	case !tg && !slack && prop == "on" && len(args) >= 2 && strings.Contains(string(f.src), "discord.js"):
		if s, ok := f.jsString(args[0], consts); ok && (s == "messageCreate" || s == "message") {
			f.add(n, evidence.RouteKindBotCommand, methodEvt, "/"+s, DiscordJS, handlerName(f, args, 1), nil) // a dispatcher: its checks are per command
		}
	}
}

// grammY: webhookCallback(bot, "express", {secretToken}); Telegraf:
// bot.webhookCallback(path, {secretToken}), bot.createWebhook({domain,
// secret_token}), bot.launch({webhook: {domain, hookPath, secretToken}}).
func (f *file) tgWebhook(n *sitter.Node, args []*sitter.Node, argText, tgName string, consts map[string]string) {
	p := "/{webhook}"
	if len(args) > 0 {
		if s, ok := f.jsString(args[0], consts); ok && strings.HasPrefix(s, "/") {
			p = s
		}
	}
	if m := regexp.MustCompile(`(hookPath|path)\s*:\s*['"]([^'"]+)['"]`).FindStringSubmatch(argText); m != nil {
		p = m[2]
	}
	var g []string
	if strings.Contains(argText, "secretToken") || strings.Contains(argText, "secret_token") {
		g = append(g, evidence.GuardSignature)
	}
	f.add(n, evidence.RouteKindBotWebhook, "POST", p, tgName, "", g)
}

// discordBuilder records a discord.js slash command: new
// SlashCommandBuilder().setName("x"), with setDefaultMemberPermissions as
// its permission check; a file holding one command and checking the
// member's permissions in its handler counts too.
func (f *file) discordBuilder(n *sitter.Node, single bool) {
	top := n
	for p := n.Parent(); p != nil && (p.Type() == "member_expression" || p.Type() == "call_expression" || p.Type() == "parenthesized_expression"); p = p.Parent() {
		top = p
	}
	chain := f.text(top)
	m := regexp.MustCompile(`\.setName\(\s*['"]([^'"]+)['"]`).FindStringSubmatch(chain)
	if m == nil {
		f.unresolved(n, "discord.js command whose name is not a literal")
		return
	}
	var g []string
	if strings.Contains(chain, "setDefaultMemberPermissions") {
		g = append(g, evidence.GuardPermission)
	}
	if single && f.guardClause(f.root, jsBodyCheck) {
		g = append(g, evidence.GuardPermission)
	}
	f.add(n, evidence.RouteKindBotCommand, methodCmd, commandPath(m[1]), DiscordJS, "", g)
}

// actionGuards reports auth when the action's body, or a function of the
// same file it calls, looks up the session, or when it is wrapped in an
// authenticated action client.
func (f *file) actionGuards(body *sitter.Node, wrapper string) []string {
	if regexp.MustCompile(`(?i)auth|protected`).MatchString(wrapper) {
		return []string{evidence.GuardAuth}
	}
	if wrapper != "" && f.wrapperChecksSession(wrapper) {
		return []string{evidence.GuardAuth}
	}
	t := f.text(body)
	if jsAuthCall.MatchString(t) {
		return []string{evidence.GuardAuth}
	}
	for name, def := range f.funcs {
		if def != body && strings.Contains(t, name+"(") && jsAuthCall.MatchString(f.text(def)) {
			return []string{evidence.GuardAuth}
		}
	}
	return nil
}

func (f *file) action(n *sitter.Node, name string, body *sitter.Node, wrapper string) {
	f.add(n, evidence.RouteKindServerAction, "POST", f.rel+"#"+name, NextJS, name, f.actionGuards(body, wrapper))
}

// serverActionsFile records every exported function of a 'use server' file.
func (f *file) serverActionsFile(consts map[string]string) {
	for i := 0; i < int(f.root.NamedChildCount()); i++ {
		st := f.root.NamedChild(i)
		if st.Type() != "export_statement" {
			continue
		}
		decl := st.ChildByFieldName("declaration")
		if decl == nil {
			if v := st.ChildByFieldName("value"); v != nil {
				f.action(st, "default", v, "")
				continue
			}
			// export { a, b as c }
			walk(st, func(n *sitter.Node) bool {
				if n.Type() == "export_specifier" {
					local := f.text(n.ChildByFieldName("name"))
					name := local
					if a := n.ChildByFieldName("alias"); a != nil {
						name = f.text(a)
					}
					f.action(n, name, f.funcs[local], "")
					return false
				}
				return true
			})
			continue
		}
		switch decl.Type() {
		case "function_declaration", "generator_function_declaration":
			name := f.text(decl.ChildByFieldName("name"))
			if strings.Contains(f.text(st), "export default") && name == "" {
				name = "default"
			}
			f.action(decl, name, decl, "")
		case "lexical_declaration", "variable_declaration":
			for j := 0; j < int(decl.NamedChildCount()); j++ {
				d := decl.NamedChild(j)
				if d.Type() != "variable_declarator" {
					continue
				}
				v := d.ChildByFieldName("value")
				if v == nil {
					continue
				}
				wrapper := ""
				switch v.Type() {
				case "arrow_function", "function_expression", "function":
				case "call_expression":
					wrapper = f.text(v.ChildByFieldName("function"))
					if i := strings.IndexAny(wrapper, "(\n"); i > 0 {
						wrapper = wrapper[:i]
					}
				default:
					continue
				}
				f.action(d, f.text(d.ChildByFieldName("name")), v, wrapper)
			}
		}
	}
}

// inlineAction records a function whose body starts with 'use server'.
func (f *file) inlineAction(n *sitter.Node) {
	name := f.text(n.ChildByFieldName("name"))
	if name == "" {
		if p := n.Parent(); p != nil && p.Type() == "variable_declarator" {
			name = f.text(p.ChildByFieldName("name"))
		} else if p != nil && (p.Type() == "pair" || p.Type() == "jsx_expression") {
			name = "inline"
		}
	}
	if name == "" {
		name = "inline"
	}
	f.action(n, name, n, "")
}

// wrapperChecksSession resolves a function that wraps server actions
// (validatedActionWithUser(schema, fn), withTeam(fn)) in the same file or
// in the module it is imported from, and reports whether its body looks
// up the session.
func (f *file) wrapperChecksSession(wrapper string) bool {
	if !ident(wrapper) {
		return false
	}
	if def := f.funcs[wrapper]; def != nil {
		return jsAuthCall.MatchString(f.text(def))
	}
	m := regexp.MustCompile(`import\s*\{[^}]*\b` + regexp.QuoteMeta(wrapper) + `\b[^}]*\}\s*from\s*['"]([^'"]+)['"]`).FindStringSubmatch(string(f.src))
	if m == nil {
		return false
	}
	src, ok := f.lookup(f.rel, m[1])
	if !ok {
		return false
	}
	def := regexp.MustCompile(`(?s)function\s+` + regexp.QuoteMeta(wrapper) + `\b(.*?)\n}`).FindSubmatch(src)
	if def == nil {
		def = regexp.MustCompile(`(?s)const\s+` + regexp.QuoteMeta(wrapper) + `\s*=(.*?)\n}`).FindSubmatch(src)
	}
	return def != nil && jsAuthCall.Match(def[1])
}

// objectCommandGuards match the options of a command written as a plain
// object: owner or developer only, member permissions; and cooldowns.
var (
	objectPermission = regexp.MustCompile(`(?i)\b(botOwner|ownerOnly|owner_only|botDevelopers|devOnly|developerOnly|developersOnly|adminOnly|admin_only|userPermissions|memberPermissions|defaultMemberPermissions|default_member_permissions)\b\s*:`)
	objectCooldown   = regexp.MustCompile(`(?i)\bcooldown\w*\s*:`)
)

// discordObjectCommand records a discord.js command written as an object:
// {name: "ping", execute()} or {command: {name: "eval"}, options:
// {botOwner: true}, run()} (data: {name} likewise). Builders are read by
// discordBuilder.
func (f *file) discordObjectCommand(obj *sitter.Node) {
	pairs := map[string]*sitter.Node{}
	for i := 0; i < int(obj.NamedChildCount()); i++ {
		p := obj.NamedChild(i)
		if p.Type() == "pair" {
			pairs[strings.Trim(f.text(p.ChildByFieldName("key")), `"'`)] = p.ChildByFieldName("value")
		} else if p.Type() == "method_definition" {
			pairs[f.text(p.ChildByFieldName("name"))] = p
		}
	}
	if pairs["run"] == nil && pairs["execute"] == nil && pairs["callback"] == nil {
		return
	}
	nameNode := pairs["name"]
	if nameNode == nil {
		for _, k := range []string{"command", "data"} {
			if v := pairs[k]; v != nil && v.Type() == "object" {
				for i := 0; i < int(v.NamedChildCount()); i++ {
					p := v.NamedChild(i)
					if p.Type() == "pair" && strings.Trim(f.text(p.ChildByFieldName("key")), `"'`) == "name" {
						nameNode = p.ChildByFieldName("value")
					}
				}
			}
		}
	}
	name, ok := f.jsString(nameNode, nil)
	if !ok {
		return
	}
	var opts strings.Builder
	for k, v := range pairs {
		if k != "run" && k != "execute" && k != "callback" && v != nil {
			opts.WriteString(k + ": " + f.text(v) + " ")
		}
	}
	var g []string
	text := opts.String()
	if objectPermission.MatchString(text) {
		g = append(g, evidence.GuardPermission)
	}
	if objectCooldown.MatchString(text) {
		g = append(g, evidence.GuardRateLimit)
	}
	f.add(obj, evidence.RouteKindBotCommand, methodCmd, commandPath(name), DiscordJS, "", g)
}
