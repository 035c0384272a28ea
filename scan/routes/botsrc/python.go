package botsrc

import (
	"regexp"
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/threatmap/threatmap/evidence"
)

// pyCall is a call expression taken apart.
type pyCall struct {
	node   *sitter.Node
	callee string // dotted text of the function, e.g. app_commands.checks.has_permissions
	args   []*sitter.Node
	kwargs map[string]*sitter.Node
}

func (f *file) pyCall(n *sitter.Node) (pyCall, bool) {
	if n == nil || n.Type() != "call" {
		return pyCall{}, false
	}
	c := pyCall{node: n, callee: f.text(n.ChildByFieldName("function")), kwargs: map[string]*sitter.Node{}}
	if args := n.ChildByFieldName("arguments"); args != nil && args.Type() == "argument_list" {
		for i := 0; i < int(args.NamedChildCount()); i++ {
			a := args.NamedChild(i)
			switch a.Type() {
			case "keyword_argument":
				c.kwargs[f.text(a.ChildByFieldName("name"))] = a.ChildByFieldName("value")
			case "comment":
			default:
				c.args = append(c.args, a)
			}
		}
	}
	return c, true
}

func (c pyCall) arg(i int, kw string) *sitter.Node {
	if v, ok := c.kwargs[kw]; ok && kw != "" {
		return v
	}
	if i >= 0 && i < len(c.args) {
		return c.args[i]
	}
	return nil
}

var pyStrPrefix = regexp.MustCompile(`^[rRbBuU]{0,2}`)

// pyString returns the value of a string literal, of a concatenation of
// literals, or of a module constant holding one.
func (f *file) pyString(n *sitter.Node, consts map[string]string) (string, bool) {
	if n == nil {
		return "", false
	}
	switch n.Type() {
	case "string":
		t := f.text(n)
		p := pyStrPrefix.FindString(t)
		if strings.ContainsAny(p, "fF") {
			return "", false
		}
		t = t[len(p):]
		if len(t) > 0 && (t[0] == 'f' || t[0] == 'F') {
			return "", false
		}
		for _, q := range []string{`"""`, `'''`, `"`, `'`} {
			if len(t) >= 2*len(q) && strings.HasPrefix(t, q) && strings.HasSuffix(t, q) {
				return t[len(q) : len(t)-len(q)], true
			}
		}
		return "", false
	case "concatenated_string":
		var b strings.Builder
		for i := 0; i < int(n.NamedChildCount()); i++ {
			s, ok := f.pyString(n.NamedChild(i), consts)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
		return b.String(), true
	case "identifier", "attribute":
		s, ok := consts[f.text(n)]
		return s, ok
	}
	return "", false
}

// pyStrings returns the strings of a literal or a list, tuple or set of them.
func (f *file) pyStrings(n *sitter.Node, consts map[string]string) ([]string, bool) {
	if n == nil {
		return nil, false
	}
	switch n.Type() {
	case "list", "tuple", "set":
		var out []string
		for i := 0; i < int(n.NamedChildCount()); i++ {
			c := n.NamedChild(i)
			if c.Type() == "comment" {
				continue
			}
			s, ok := f.pyString(c, consts)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, len(out) > 0
	}
	s, ok := f.pyString(n, consts)
	if !ok {
		return nil, false
	}
	return []string{s}, true
}

// privileged matches names of checks and filters that restrict who may
// use a handler: is_admin, owner_only, restricted, AdminFilter.
var privileged = regexp.MustCompile(`(?i)admin|owner|restrict|permission|authori[sz]|allowed|whitelist|allowlist|sudo|superuser|staff|moderator|manager|mod_only|only_mods|has_role|is_dev|\bis_mod\b|_mod$|can_use`)

// pyBodyCheck matches a handler body that compares the caller's identity
// or permissions before acting.
var pyBodyCheck = regexp.MustCompile(`(?i)(effective_user|from_user|author|effective_chat|message\.chat|interaction\.user)\.id\s*(not\s+in|in|==|!=)|(not\s+in|\bin|==|!=)\s*[\w.\[\]'"]*(admin|owner|allowed|whitelist|allowlist|sudo|superuser)|\b(is|check|has)_\w*(allowed|admin|owner|authori[sz]|access|whitelist|allowlist|permission|sudo|privilege)\w*\(|\b(admin|owner|moderator|superuser)\w*_check\(|\.is_(admin|owner|staff|superuser|moderator)\b|guild_permissions|permissions_for\(|\.is_owner\(|get_chat_member\(|\.administrator\b|has_permissions\(|has_role\(`)

// rateLimitName matches decorators that limit how often a handler runs.
var rateLimitName = regexp.MustCompile(`(?i)^(rate_?limit\w*|throttle\w*|\w*cooldown)$`)

// discord.py permission decorators (last name of the callee).
var discordPermission = map[string]bool{
	"has_permissions": true, "has_guild_permissions": true, "has_role": true, "has_any_role": true,
	"is_owner": true, "default_permissions": true, "bot_has_permissions": false, "is_nsfw": false,
	"has_permission": true, "dm_only": false, "guild_only": false,
}

// memberPermissions are Discord permissions the @everyone role has by
// default: a has_permissions check on these alone lets every member
// through, so it does not restrict who may run a command.
var memberPermissions = map[string]bool{"view_channel": true, "read_messages": true, "send_messages": true, "send_messages_in_threads": true,
	"read_message_history": true, "add_reactions": true, "embed_links": true, "attach_files": true, "use_external_emojis": true,
	"use_external_stickers": true, "use_application_commands": true, "create_public_threads": true, "create_private_threads": true,
	"connect": true, "speak": true, "stream": true, "use_voice_activation": true, "change_nickname": true, "create_instant_invite": true,
	"request_to_speak": true, "use_embedded_activities": true, "send_voice_messages": true}

var permissionArgRE = regexp.MustCompile(`(\w+)\s*=\s*True`)

// everyoneHas reports a permission decorator's arguments that ask only for
// permissions every member has (send_messages=True, view_channel=True).
func everyoneHas(args string) bool {
	ms := permissionArgRE.FindAllStringSubmatch(args, -1)
	if len(ms) == 0 {
		return false
	}
	for _, m := range ms {
		if !memberPermissions[m[1]] {
			return false
		}
	}
	return true
}

func (f *file) python() {
	src := string(f.src)
	fw := map[string]bool{
		DiscordPy: strings.Contains(src, "import discord") || strings.Contains(src, "from discord") || strings.Contains(src, "import nextcord") || strings.Contains(src, "from nextcord"),
		PTB:       strings.Contains(src, "from telegram") || strings.Contains(src, "import telegram"),
		Aiogram:   strings.Contains(src, "aiogram"),
		SlackBolt: strings.Contains(src, "slack_bolt"),
		Celery:    strings.Contains(src, "celery") || strings.Contains(src, "Celery") || strings.Contains(src, "shared_task"),
		APS:       strings.Contains(src, "apscheduler"),
		Dramatiq:  strings.Contains(src, "dramatiq"),
		Kafka:     strings.Contains(src, "KafkaConsumer"),
	}
	consts := map[string]string{}
	f.funcs = map[string]*sitter.Node{}
	groups := map[string]string{} // discord group function -> command name
	groupGuards := map[string][]string{}
	routerFilters := map[string]bool{} // aiogram router whose message handlers filter by privilege
	f.routerFilters = routerFilters
	handlerRequests := map[string]bool{} // variables holding an aiogram request handler
	for i := 0; i < int(f.root.NamedChildCount()); i++ {
		st := f.root.NamedChild(i)
		if st.Type() == "expression_statement" && st.NamedChildCount() > 0 && st.NamedChild(0).Type() == "assignment" {
			a := st.NamedChild(0)
			if s, ok := f.pyString(a.ChildByFieldName("right"), consts); ok {
				consts[f.text(a.ChildByFieldName("left"))] = s
			}
		}
	}
	walk(f.root, func(n *sitter.Node) bool {
		switch n.Type() {
		case "function_definition":
			name := f.text(n.ChildByFieldName("name"))
			f.funcs[name] = n
			if cls := enclosingClass(n); fw[DiscordPy] && name == "on_message" && cls != nil && n.Parent() != nil && n.Parent().Type() != "decorated_definition" &&
				regexp.MustCompile(`\b(Bot|Client|AutoShardedBot|AutoShardedClient)\b`).MatchString(f.text(cls.ChildByFieldName("superclasses"))) {
				// A Bot or Client subclass overriding the event handler.
				var g []string
				if body := n.ChildByFieldName("body"); body != nil && f.guardClause(body, pyBodyCheck) {
					g = append(g, evidence.GuardPermission)
				}
				f.add(n, evidence.RouteKindBotCommand, methodEvt, "/on_message", DiscordPy, name, g)
			}
		case "call":
			if c, ok := f.pyCall(n); ok && strings.HasSuffix(c.callee, ".filter") && fw[Aiogram] {
				if privileged.MatchString(f.text(c.node.ChildByFieldName("arguments"))) || strings.Contains(f.text(n), "from_user.id") {
					routerFilters[strings.TrimSuffix(strings.TrimSuffix(c.callee, ".filter"), ".message")] = true
					routerFilters[strings.TrimSuffix(c.callee, ".filter")] = true
				}
			}
		case "assignment":
			if c, ok := f.pyCall(n.ChildByFieldName("right")); ok && strings.HasSuffix(c.callee, "RequestHandler") {
				handlerRequests[f.text(n.ChildByFieldName("left"))] = true
			}
		}
		return true
	})
	walk(f.root, func(n *sitter.Node) bool {
		switch n.Type() {
		case "decorated_definition":
			f.pyDecorated(n, fw, consts, groups, groupGuards, routerFilters)
		case "call":
			f.pyCallSite(n, fw, consts, handlerRequests)
		case "assignment":
			f.pyBeat(n, consts)
		}
		return true
	})
}

func (f *file) decorators(n *sitter.Node) []*sitter.Node {
	var out []*sitter.Node
	for i := 0; i < int(n.NamedChildCount()); i++ {
		if d := n.NamedChild(i); d.Type() == "decorator" && d.NamedChildCount() > 0 {
			out = append(out, d.NamedChild(0))
		}
	}
	return out
}

// decoratorCall returns the callee and call of a decorator written with or
// without arguments.
func (f *file) decoratorCall(d *sitter.Node) (string, pyCall) {
	if c, ok := f.pyCall(d); ok {
		return c.callee, c
	}
	return f.text(d), pyCall{node: d, callee: f.text(d), kwargs: map[string]*sitter.Node{}}
}

// enclosingClass returns the class a definition sits in, if any.
func enclosingClass(n *sitter.Node) *sitter.Node {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == "class_definition" {
			return p
		}
	}
	return nil
}

// cogGuard tells whether a class checks every command it holds: a
// cog_check or interaction_check method, or a class-level permission
// decorator.
func (f *file) cogGuard(cls *sitter.Node) bool {
	if cls == nil {
		return false
	}
	body := cls.ChildByFieldName("body")
	found := false
	walk(body, func(n *sitter.Node) bool {
		if n.Type() == "function_definition" {
			name := f.text(n.ChildByFieldName("name"))
			if name == "cog_check" || name == "interaction_check" || name == "cog_app_command_check" || name == "bot_check" {
				found = found || pyBodyCheck.MatchString(f.text(n)) || privileged.MatchString(f.text(n.ChildByFieldName("body")))
			}
			return false
		}
		return n == body || n.Type() == "decorated_definition"
	})
	if p := cls.Parent(); p != nil && p.Type() == "decorated_definition" {
		for _, d := range f.decorators(p) {
			callee, _ := f.decoratorCall(d)
			found = found || discordPermission[lastName(callee)]
		}
	}
	return found
}

func (f *file) pyDecorated(n *sitter.Node, fw map[string]bool, consts, groups map[string]string, groupGuards map[string][]string, routerFilters map[string]bool) {
	def := n.ChildByFieldName("definition")
	if def == nil || def.Type() != "function_definition" {
		return
	}
	fname := f.text(def.ChildByFieldName("name"))
	decs := f.decorators(n)
	// Guards from decorators and the body, shared by every framework.
	var guards []string
	for _, d := range decs {
		callee, c := f.decoratorCall(d)
		last := lastName(callee)
		switch {
		case discordPermission[last]:
			if !everyoneHas(f.text(c.node.ChildByFieldName("arguments"))) {
				guards = append(guards, evidence.GuardPermission)
			}
		case last == "cooldown" || last == "dynamic_cooldown" || rateLimitName.MatchString(last):
			guards = append(guards, evidence.GuardRateLimit)
		case (last == "check" || last == "check_any") && privileged.MatchString(f.text(c.node)):
			guards = append(guards, evidence.GuardPermission)
		case privileged.MatchString(last) && !strings.Contains(callee, "bot_has"):
			guards = append(guards, evidence.GuardPermission)
		}
	}
	if body := def.ChildByFieldName("body"); body != nil && f.guardClause(body, pyBodyCheck) {
		guards = append(guards, evidence.GuardPermission)
	}
	for _, d := range decs {
		callee, c := f.decoratorCall(d)
		last := lastName(callee)
		obj := strings.TrimSuffix(callee, "."+last)
		if obj == callee {
			obj = ""
		}
		switch {
		case fw[SlackBolt] && obj != "" && slackListener[last]:
			f.slackHandler(c, last, fname, guards, consts, f.pyString)
		case fw[DiscordPy] && (last == "command" || last == "hybrid_command" || last == "group" || last == "hybrid_group" || last == "slash_command" || last == "user_command" || last == "message_command" || last == "context_menu"):
			name := fname
			if s, ok := f.pyString(c.kwargs["name"], consts); ok {
				name = s
			}
			g := guards
			if parent, ok := groups[strings.TrimSuffix(obj, ".app_command")]; ok {
				name = parent + " " + name
				// A prefix group's checks run before any of its subcommands.
				g = append(g, groupGuards[strings.TrimSuffix(obj, ".app_command")]...)
			}
			if last == "group" || last == "hybrid_group" {
				groups[fname] = name
			}
			if f.cogGuard(enclosingClass(n)) {
				g = append(g, evidence.GuardPermission)
			}
			if c.kwargs["default_member_permissions"] != nil || c.kwargs["default_permissions"] != nil {
				g = append(g, evidence.GuardPermission)
			}
			if last == "group" || last == "hybrid_group" {
				groupGuards[fname] = g
			}
			f.add(n, evidence.RouteKindBotCommand, methodCmd, commandPath(name), DiscordPy, fname, g)
			if last == "user_command" || last == "message_command" || last == "context_menu" {
				f.tagLast(TagContextMenu)
			}
		case fw[DiscordPy] && (last == "event" || last == "listener") && (fname == "on_message" || fname == "on_interaction" || strings.Contains(f.text(c.node), "on_message")):
			g := guards
			if f.cogGuard(enclosingClass(n)) {
				g = append(g, evidence.GuardPermission)
			}
			f.add(n, evidence.RouteKindBotCommand, methodEvt, "/"+fname, DiscordPy, fname, g)
		case fw[DiscordPy] && callee == "tasks.loop":
			f.add(n, evidence.RouteKindCron, methodJob, fname, DiscordPy, fname, nil)
		case fw[Aiogram] && obj != "" && (strings.HasPrefix(last, "message") || strings.HasPrefix(last, "callback_query") || last == "edited_message" || last == "inline_query" || last == "channel_post"):
			f.aiogramHandler(n, c, obj, last, fname, guards, consts, routerFilters)
		case fw[Celery] && (last == "task" || last == "shared_task" || last == "periodic_task"):
			name := strings.TrimPrefix(f.module()+"."+fname, ".")
			if s, ok := f.pyString(c.kwargs["name"], consts); ok {
				name = s
			}
			if last == "periodic_task" {
				f.add(n, evidence.RouteKindCron, methodJob, name, Celery, fname, nil)
			} else {
				f.add(n, evidence.RouteKindQueue, methodCons, name, Celery, fname, nil)
			}
		case fw[Dramatiq] && (last == "actor"):
			name := fname
			if s, ok := f.pyString(c.kwargs["actor_name"], consts); ok {
				name = s
			}
			f.add(n, evidence.RouteKindQueue, methodCons, name, Dramatiq, fname, nil)
		case fw[APS] && last == "scheduled_job":
			name := fname
			if s, ok := f.pyString(c.kwargs["id"], consts); ok {
				name = s
			}
			f.add(n, evidence.RouteKindCron, methodJob, name, APS, fname, nil)
		}
	}
}

// slackListener lists Bolt's listener registration methods.
var slackListener = map[string]bool{"command": true, "event": true, "action": true, "shortcut": true, "view": true, "options": true, "message": true, "view_submission": true, "view_closed": true, "block_action": true}

type stringer func(*sitter.Node, map[string]string) (string, bool)

// slackHandler records a Bolt listener: app.command("/x"), app.event("x").
func (f *file) slackHandler(c pyCall, last, fname string, guards []string, consts map[string]string, str stringer) {
	method := methodCB
	switch last {
	case "command":
		method = methodCmd
	case "event":
		method = methodEvt
	case "message":
		method = methodMsg
	}
	var name string
	if s, ok := str(c.arg(0, ""), consts); ok {
		name = s
	} else if a := c.arg(0, ""); a != nil && a.Type() == "dictionary" {
		name = strings.Trim(regexp.MustCompile(`"type"\s*:\s*"([^"]+)"`).FindString(f.text(a)), `"`)
	}
	p := ""
	switch {
	case method == methodCmd && name != "":
		p = commandPath(name)
	case method == methodCmd:
		f.unresolved(c.node, "Slack command registered under a name that is not a literal")
		return
	case method == methodMsg:
		p = "/message/" + fname
	case name != "":
		p = "/" + strings.TrimPrefix(name, "/")
	default:
		p = "/" + last + "/" + fname
	}
	f.add(c.node, evidence.RouteKindBotCommand, method, p, SlackBolt, fname, guards)
}

var aiogramCmd = regexp.MustCompile(`Command(Start|Help|Settings)?\(([^)]*)\)`)

func (f *file) aiogramHandler(n *sitter.Node, c pyCall, obj, last, fname string, guards []string, consts map[string]string, routerFilters map[string]bool) {
	args := f.text(c.node.ChildByFieldName("arguments"))
	g := guards
	if privileged.MatchString(codeOnly(args)) || strings.Contains(args, "from_user.id") || c.kwargs["user_id"] != nil || routerFilters[obj] || routerFilters[obj+"."+strings.TrimSuffix(last, "_handler")] {
		g = append(g, evidence.GuardPermission)
	}
	var names []string
	if v := c.kwargs["commands"]; v != nil {
		ss, ok := f.pyStrings(v, consts)
		if !ok {
			f.unresolved(n, "aiogram handler with commands that are not literals")
			return
		}
		names = ss
	}
	for _, m := range aiogramCmd.FindAllStringSubmatch(args, -1) {
		switch m[1] {
		case "Start":
			names = append(names, "start")
			continue
		case "Help":
			names = append(names, "help")
			continue
		case "Settings":
			names = append(names, "settings")
			continue
		}
		lits := regexp.MustCompile(`["']([^"']+)["']`).FindAllStringSubmatch(m[2], -1)
		if len(lits) == 0 {
			f.unresolved(n, "aiogram Command filter with a name that is not a literal")
			return
		}
		for _, l := range lits {
			if l[1] != "commands" {
				names = append(names, l[1])
			}
		}
	}
	if len(names) > 0 {
		for _, name := range names {
			f.add(n, evidence.RouteKindBotCommand, methodCmd, commandPath(name), Aiogram, fname, g)
		}
		return
	}
	method, p := methodMsg, "/message/"+fname
	if strings.HasPrefix(last, "callback_query") || last == "inline_query" {
		method, p = methodCB, "/callback/"+fname
	}
	f.add(n, evidence.RouteKindBotCommand, method, p, Aiogram, fname, g)
}

// handlerGuards returns the guards a handler function's own decorators
// and body show.
func (f *file) handlerGuards(handler *sitter.Node) []string {
	if handler == nil {
		return nil
	}
	ref, ok := f.resolve(f.text(handler))
	if !ok {
		return nil
	}
	hf, def := ref.f, ref.def
	var out []string
	if body := def.ChildByFieldName("body"); body != nil && hf.guardClause(body, pyBodyCheck) {
		out = append(out, evidence.GuardPermission)
	}
	if p := def.Parent(); p != nil && p.Type() == "decorated_definition" {
		for _, d := range hf.decorators(p) {
			callee, _ := hf.decoratorCall(d)
			if privileged.MatchString(lastName(callee)) {
				out = append(out, evidence.GuardPermission)
			}
			if rateLimitName.MatchString(lastName(callee)) {
				out = append(out, evidence.GuardRateLimit)
			}
		}
	}
	return out
}

// ptbUserFilter matches a filter on who sent the update; a chat filter
// says where a handler runs, not who may run it.
// ptbEventHandler names the python-telegram-bot handlers for updates that
// are neither messages nor callback queries.
var ptbEventHandler = map[string]string{
	"ChatJoinRequestHandler": "chat_join_request", "ChatMemberHandler": "chat_member",
	"PreCheckoutQueryHandler": "pre_checkout_query", "ShippingQueryHandler": "shipping_query",
	"PollAnswerHandler": "poll_answer", "PollHandler": "poll", "ChosenInlineResultHandler": "chosen_inline_result",
}

var ptbUserFilter = regexp.MustCompile(`(?i)filters\.user\b|user_id\s*=`)

// literal matches a string literal, left out before matching names: a
// regex filter for "sudo make me a sandwich" is no sudo check.
var literal = regexp.MustCompile(`[rbfuRBFU]{0,2}(?:"""[\s\S]*?"""|'{3}[\s\S]*?'{3}|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')`)

func codeOnly(s string) string { return literal.ReplaceAllString(s, `""`) }

// slackCallback returns the function a listener registered by hand runs,
// with the guards of every function it names: the positional callback,
// or for a lazy listener (app.event("x")(ack=respond, lazy=[work])) the
// first lazy function, which does the work after Slack's three seconds,
// with the ack function's checks too.
func (f *file) slackCallback(c pyCall) (*sitter.Node, []string) {
	if cb := c.arg(0, ""); cb != nil {
		return cb, f.handlerGuards(cb)
	}
	var fns []*sitter.Node
	if lazy := c.kwargs["lazy"]; lazy != nil && lazy.Type() == "list" {
		for i := 0; i < int(lazy.NamedChildCount()); i++ {
			fns = append(fns, lazy.NamedChild(i))
		}
	}
	if ack := c.kwargs["ack"]; ack != nil {
		fns = append(fns, ack)
	}
	if len(fns) == 0 {
		return nil, nil
	}
	var guards []string
	for _, fn := range fns {
		for _, g := range f.handlerGuards(fn) {
			if !slices.Contains(guards, g) {
				guards = append(guards, g)
			}
		}
	}
	return fns[0], guards
}

func (f *file) pyCallSite(n *sitter.Node, fw map[string]bool, consts map[string]string, handlerRequests map[string]bool) {
	c, ok := f.pyCall(n)
	if !ok {
		return
	}
	last := lastName(c.callee)
	if inner, ok := f.pyCall(n.ChildByFieldName("function")); ok && fw[SlackBolt] {
		// app.command("/x")(callback): the decorator applied by hand.
		il := lastName(inner.callee)
		if il != inner.callee && slackListener[il] {
			cb, guards := f.slackCallback(c)
			f.slackHandler(inner, il, f.text(cb), guards, consts, f.pyString)
		}
		return
	}
	switch {
	case fw[PTB] && (last == "CommandHandler" || last == "PrefixHandler"):
		nameArg, cb, filt := c.arg(0, "command"), c.arg(1, "callback"), c.arg(2, "filters")
		if last == "PrefixHandler" {
			nameArg, cb, filt = c.arg(1, "command"), c.arg(2, "callback"), c.arg(3, "filters")
		}
		names, ok := f.pyStrings(nameArg, consts)
		if !ok {
			f.unresolved(n, "Telegram command handler registered under a name that is not a literal")
			return
		}
		g := f.handlerGuards(cb)
		if filt != nil && (ptbUserFilter.MatchString(f.text(filt)) || privileged.MatchString(codeOnly(f.text(filt)))) {
			g = append(g, evidence.GuardPermission)
		}
		for _, name := range names {
			f.add(n, evidence.RouteKindBotCommand, methodCmd, commandPath(name), PTB, f.text(cb), g)
		}
	case fw[PTB] && ptbEventHandler[last] != "":
		cb := c.arg(0, "callback")
		name := lastName(f.text(cb))
		if !ident(name) {
			name = "handler"
		}
		f.add(n, evidence.RouteKindBotCommand, methodEvt, "/"+ptbEventHandler[last]+"/"+name, PTB, f.text(cb), f.handlerGuards(cb))
	case fw[PTB] && (last == "MessageHandler" || last == "CallbackQueryHandler" || last == "InlineQueryHandler"):
		cb := c.arg(1, "callback")
		method, p := methodMsg, "/message/"
		if last != "MessageHandler" {
			cb = c.arg(0, "callback")
			method, p = methodCB, "/callback/"
		}
		g := f.handlerGuards(cb)
		if filt := c.arg(0, "filters"); last == "MessageHandler" && filt != nil && (ptbUserFilter.MatchString(f.text(filt)) || privileged.MatchString(codeOnly(f.text(filt)))) {
			g = append(g, evidence.GuardPermission)
		}
		name := lastName(f.text(cb))
		if !ident(name) {
			name = "handler"
		}
		f.add(n, evidence.RouteKindBotCommand, method, p+name, PTB, f.text(cb), g)
	case (fw[PTB] || fw[Aiogram]) && (last == "run_webhook" || last == "start_webhook"):
		framework := PTB
		pathArg := c.kwargs["url_path"]
		if fw[Aiogram] && !fw[PTB] {
			framework, pathArg = Aiogram, c.kwargs["webhook_path"]
		}
		p := "/"
		if pathArg != nil {
			if s, ok := f.pyString(pathArg, consts); ok {
				p = "/" + strings.TrimPrefix(s, "/")
			} else {
				p = "/{webhook}"
			}
		}
		var g []string
		if v := c.kwargs["secret_token"]; v != nil && f.text(v) != "None" {
			g = append(g, evidence.GuardSignature)
		}
		f.add(n, evidence.RouteKindBotWebhook, "POST", p, framework, "", g)
	case fw[Aiogram] && last == "register" && (strings.Contains(c.callee, "RequestHandler") || handlerRequests[strings.TrimSuffix(c.callee, ".register")]):
		p := "/{webhook}"
		if s, ok := f.pyString(c.arg(1, "path"), consts); ok {
			p = "/" + strings.TrimPrefix(s, "/")
		}
		var g []string
		if req := f.requestHandlerCall(c); req != nil {
			if v := req.kwargs["secret_token"]; v != nil && f.text(v) != "None" {
				g = append(g, evidence.GuardSignature)
			}
		}
		f.add(n, evidence.RouteKindBotWebhook, "POST", p, Aiogram, "", g)
	case fw[SlackBolt] && (last == "App" || last == "AsyncApp") && !strings.Contains(string(f.src), "SocketModeHandler"):
		g := []string{evidence.GuardSignature}
		if v := c.kwargs["request_verification_enabled"]; v != nil && f.text(v) == "False" {
			g = nil
		}
		f.add(n, evidence.RouteKindBotWebhook, "POST", "/slack/events", SlackBolt, "", g)
	case fw[PTB] && (last == "run_repeating" || last == "run_daily" || last == "run_monthly" || last == "run_custom"):
		cb := c.arg(0, "callback")
		name := f.text(cb)
		if s, ok := f.pyString(c.kwargs["name"], consts); ok {
			name = s
		}
		f.add(n, evidence.RouteKindCron, methodJob, name, PTB, f.text(cb), nil)
	case fw[APS] && last == "add_job":
		cb := c.arg(0, "func")
		name := f.text(cb)
		if s, ok := f.pyString(c.kwargs["id"], consts); ok {
			name = s
		}
		if name == "" {
			f.unresolved(n, "scheduled job without a function")
			return
		}
		f.add(n, evidence.RouteKindCron, methodJob, name, APS, f.text(cb), nil)
	case fw[Celery] && last == "add_periodic_task":
		sig := c.arg(1, "sig")
		name := f.text(sig)
		if s, ok := f.pyString(c.kwargs["name"], consts); ok {
			name = s
		}
		f.add(n, evidence.RouteKindCron, methodJob, name, Celery, f.text(sig), nil)
	case fw[Kafka] && (last == "KafkaConsumer" || last == "AIOKafkaConsumer"):
		topics := c.args
		if len(topics) == 0 {
			f.unresolved(n, "Kafka consumer whose topics are set later (subscribe)")
			return
		}
		for _, t := range topics {
			s, ok := f.pyString(t, consts)
			if !ok {
				f.unresolved(n, "Kafka consumer of a topic that is not a literal")
				continue
			}
			f.add(n, evidence.RouteKindQueue, methodCons, s, Kafka, "", nil)
		}
	case fw[Aiogram] && len(c.args) > 0 && (last == "register_message_handler" || last == "register_callback_query_handler" ||
		strings.HasSuffix(c.callee, ".message.register") || strings.HasSuffix(c.callee, ".callback_query.register")):
		// aiogram 2 dp.register_message_handler(cb, commands=[...]) and
		// aiogram 3 router.message.register(cb, Command("x")).
		cb := c.args[0]
		rest := c
		rest.args = c.args[1:]
		kind, obj := "message", strings.TrimSuffix(c.callee, "."+last)
		if strings.Contains(last, "callback") || strings.HasSuffix(c.callee, ".callback_query.register") {
			kind = "callback_query"
		}
		obj = strings.TrimSuffix(strings.TrimSuffix(obj, ".message"), ".callback_query")
		f.aiogramHandler(n, rest, obj, kind, lastName(f.text(cb)), f.handlerGuards(cb), consts, f.routerFilters)
	case fw[DiscordPy] && last == "ContextMenu":
		name, ok := f.pyString(c.arg(0, "name"), consts)
		if !ok {
			f.unresolved(n, "Discord context menu whose name is not a literal")
			return
		}
		f.add(n, evidence.RouteKindBotCommand, methodCmd, commandPath(name), DiscordPy, f.text(c.arg(1, "callback")), f.handlerGuards(c.arg(1, "callback")))
		f.tagLast(TagContextMenu)
	case fw[DiscordPy] && last == "add_command" && !strings.HasPrefix(f.text(c.arg(0, "")), "self"):
		f.unresolved(n, "command object added at run time: "+clip(f.text(c.arg(0, ""))))
	}
}

// requestHandlerCall finds the aiogram request handler a register call is
// made on: inline, or the call assigned to its variable.
func (f *file) requestHandlerCall(c pyCall) *pyCall {
	fn := c.node.ChildByFieldName("function")
	if fn == nil {
		return nil
	}
	obj := fn.ChildByFieldName("object")
	if rc, ok := f.pyCall(obj); ok {
		return &rc
	}
	name := f.text(obj)
	var found *pyCall
	walk(f.root, func(n *sitter.Node) bool {
		if found != nil {
			return false
		}
		if n.Type() == "assignment" && f.text(n.ChildByFieldName("left")) == name {
			if rc, ok := f.pyCall(n.ChildByFieldName("right")); ok {
				found = &rc
			}
		}
		return true
	})
	return found
}

// pyBeat reads a Celery beat schedule: beat_schedule = {"name": {"task": ...}}.
func (f *file) pyBeat(n *sitter.Node, consts map[string]string) {
	left := f.text(n.ChildByFieldName("left"))
	l := strings.ToLower(lastName(left))
	if l != "beat_schedule" && l != "celery_beat_schedule" && l != "celerybeat_schedule" {
		return
	}
	right := n.ChildByFieldName("right")
	if c, ok := f.pyCall(right); ok {
		// A schedule built by a function: read the entries its body
		// spells out, as dictionaries with a "task" and a "name".
		if ref, ok := f.resolve(c.callee); ok && ref.f.beatEntries(ref.def, n, f) > 0 {
			return
		}
	}
	if right == nil || right.Type() != "dictionary" {
		f.unresolved(n, "Celery beat schedule that is not a literal dictionary")
		return
	}
	for i := 0; i < int(right.NamedChildCount()); i++ {
		pair := right.NamedChild(i)
		if pair.Type() != "pair" {
			continue
		}
		name, ok := f.pyString(pair.ChildByFieldName("key"), consts)
		if !ok {
			f.unresolved(pair, "Celery beat entry whose name is not a literal")
			continue
		}
		task := ""
		if v := pair.ChildByFieldName("value"); v != nil && v.Type() == "dictionary" {
			for j := 0; j < int(v.NamedChildCount()); j++ {
				p := v.NamedChild(j)
				if p.Type() == "pair" {
					if k, _ := f.pyString(p.ChildByFieldName("key"), consts); k == "task" {
						task, _ = f.pyString(p.ChildByFieldName("value"), consts)
					}
				}
			}
		}
		f.add(pair, evidence.RouteKindCron, methodJob, name, Celery, task, nil)
	}
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// beatEntries records the beat entries a schedule-building function spells
// out: each dictionary literal with a literal "task" and "name", reported at
// the assignment that installs the schedule (in file at).
func (f *file) beatEntries(def, at *sitter.Node, in *file) int {
	n := 0
	walk(def.ChildByFieldName("body"), func(d *sitter.Node) bool {
		if d.Type() != "dictionary" {
			return true
		}
		var name, task string
		for i := 0; i < int(d.NamedChildCount()); i++ {
			p := d.NamedChild(i)
			if p.Type() != "pair" {
				continue
			}
			k, _ := f.pyString(p.ChildByFieldName("key"), nil)
			v, ok := f.pyString(p.ChildByFieldName("value"), nil)
			if !ok {
				continue
			}
			switch k {
			case "name":
				name = v
			case "task":
				task = v
			}
		}
		if name != "" && task != "" {
			in.add(at, evidence.RouteKindCron, methodJob, name, Celery, task, nil)
			n++
			return false
		}
		return true
	})
	return n
}
