// The page's words in English and Brazilian Portuguese. The language comes from the browser (navigator.languages)
// until the trader picks one in the header; the pick is remembered in localStorage.
"use strict";

const STRINGS = {
  en: {
    "live.title": "Live updates from the relay",
    "live.connecting": "connecting…",
    "live.on": "live",
    "live.reconnecting": "reconnecting…",
    "api.user": "API: {0}",
    "api.none": "API: not logged in",
    "api.trouble": "API trouble",
    "api.down": "API down, signals waiting",
    "insecure": "Insecure connection to the signal API: Api:Url is http:// to another computer (allowed by Api:AllowInsecureHttp), so your password and the signing token cross the network unencrypted. Use https://.",
    "unconfirmed.title": "Unconfirmed",
    "unconfirmed.help": "Missing from the terminal's report without evidence of a close or removal: no signal is sent until the EA finds it again or finds its closing deal.",
    "col.kind": "Kind",
    "col.identifier": "Identifier",
    "col.missing": "Missing for",
    "footer.replayed": "replayed",
    "footer.dropped": "invalid items dropped",
    "footer.refused": "connections refused",
    "footer.restarts": "socket restarts",
    "logout": "Log out",
    "login.title": "Log in to the signal API",
    "login.help": "The relay sends signals only after logging in. It keeps your password in memory only; on this computer it stores a protected session token, never the password.",
    "login.user": "User name",
    "login.password": "Password",
    "login.submit": "Log in",
    "login.failed": "Login failed ({0})",
    "terminal.connecting": "Connecting to the relay…",
    "terminal.up": "Terminal connected",
    "terminal.down": "Terminal not connected",
    "terminal.detail": "EA {0} · terminal build {1} · {2}",
    "terminal.pathMismatch": "This terminal runs from {0}, but the signal API has {1} registered as your master terminal. Its signals are sent; check that this is the terminal you meant, or update the path registered at the API.",
    "t.server": "Server",
    "t.login": "Login",
    "t.balance": "Balance",
    "t.equity": "Equity",
    "t.leverage": "Leverage",
    "t.marginLevel": "Margin level",
    "t.positions": "Open positions",
    "t.orders": "Pending orders",
    "m.sent": "Signals sent",
    "m.perMinute": "Signals in the last minute",
    "m.pending": "Pending",
    "m.failed": "Failed / rejected",
    "m.expired": "Expired",
    "m.superseded": "Superseded",
    "m.supersededTitle": "SL/TP changes not sent because a newer one of the same ticket was queued behind them",
    "m.clients": "Active clients",
    "m.subscription": "Subscription",
    "latency.title": "Trade → API latency",
    "latency.summary": "last {0} signals · median {1} ms · slowest {2} ms",
    "latency.empty": "no signal delivered yet",
    "latency.bar": "{0} {1} {2}: {3} ms",
    "active.title": "Active signals",
    "active.empty": "No open positions",
    "orders.title": "Pending orders",
    "orders.empty": "No pending orders",
    "log.title": "Signal log",
    "log.empty": "No signals yet",
    "log.tries": "({0} tries)",
    "col.symbol": "Symbol",
    "col.type": "Type",
    "col.volume": "Volume",
    "col.entry": "Entry",
    "col.price": "Price",
    "col.opened": "Opened (server time)",
    "col.ticket": "Ticket",
    "col.time": "Time (this computer)",
    "col.action": "Action",
    "col.delivery": "Delivery",
    "col.latency": "Latency",
    "state.sent": "sent",
    "state.pending": "pending",
    "state.sending": "sending",
    "state.failed": "failed",
    "state.rejected": "rejected",
    "state.expired": "expired",
    "state.superseded": "superseded",
    "footer.port": "EA port",
    "footer.malformed": "malformed frames",
    "footer.live": "data updates live (server-sent events)",
  },
  "pt-BR": {
    "live.title": "Atualizações ao vivo do relay",
    "live.connecting": "conectando…",
    "live.on": "ao vivo",
    "live.reconnecting": "reconectando…",
    "api.user": "API: {0}",
    "api.none": "API: sem login",
    "api.trouble": "API com problemas",
    "api.down": "API fora do ar, sinais aguardando",
    "insecure": "Conexão insegura com a API de sinais: Api:Url usa http:// para outro computador (permitido por Api:AllowInsecureHttp), então sua senha e o token de assinatura passam pela rede sem criptografia. Use https://.",
    "unconfirmed.title": "Não confirmados",
    "unconfirmed.help": "Sumiram do relatório do terminal sem prova de fechamento ou remoção: nenhum sinal é enviado até o EA encontrá-los de novo ou encontrar o negócio (deal) que os fechou.",
    "col.kind": "Tipo",
    "col.identifier": "Identificador",
    "col.missing": "Sumido há",
    "footer.replayed": "repetidas",
    "footer.dropped": "itens inválidos descartados",
    "footer.refused": "conexões recusadas",
    "footer.restarts": "reinícios do socket",
    "logout": "Sair",
    "login.title": "Entrar na API de sinais",
    "login.help": "O relay só envia sinais depois do login. Sua senha fica apenas na memória; neste computador ele guarda um token de sessão protegido, nunca a senha.",
    "login.user": "Usuário",
    "login.password": "Senha",
    "login.submit": "Entrar",
    "login.failed": "Falha no login ({0})",
    "terminal.connecting": "Conectando ao relay…",
    "terminal.up": "Terminal conectado",
    "terminal.down": "Terminal desconectado",
    "terminal.detail": "EA {0} · build do terminal {1} · {2}",
    "terminal.pathMismatch": "Este terminal roda em {0}, mas a API de sinais tem {1} registrado como seu terminal master. Os sinais dele são enviados; confira se é o terminal que você queria, ou atualize o caminho registrado na API.",
    "t.server": "Servidor",
    "t.login": "Conta",
    "t.balance": "Saldo",
    "t.equity": "Patrimônio",
    "t.leverage": "Alavancagem",
    "t.marginLevel": "Nível de margem",
    "t.positions": "Posições abertas",
    "t.orders": "Ordens pendentes",
    "m.sent": "Sinais enviados",
    "m.perMinute": "Sinais no último minuto",
    "m.pending": "Pendentes",
    "m.failed": "Falhos / rejeitados",
    "m.expired": "Expirados",
    "m.superseded": "Substituídos",
    "m.supersededTitle": "Alterações de SL/TP não enviadas porque uma mais nova do mesmo ticket estava na fila atrás delas",
    "m.clients": "Clientes ativos",
    "m.subscription": "Assinatura",
    "latency.title": "Latência operação → API",
    "latency.summary": "últimos {0} sinais · mediana {1} ms · mais lento {2} ms",
    "latency.empty": "nenhum sinal entregue ainda",
    "latency.bar": "{0} {1} {2}: {3} ms",
    "active.title": "Sinais ativos",
    "active.empty": "Nenhuma posição aberta",
    "orders.title": "Ordens pendentes",
    "orders.empty": "Nenhuma ordem pendente",
    "log.title": "Registro de sinais",
    "log.empty": "Nenhum sinal ainda",
    "log.tries": "({0} tentativas)",
    "col.symbol": "Ativo",
    "col.type": "Tipo",
    "col.volume": "Volume",
    "col.entry": "Entrada",
    "col.price": "Preço",
    "col.opened": "Abertura (hora do servidor)",
    "col.ticket": "Ticket",
    "col.time": "Hora (este computador)",
    "col.action": "Ação",
    "col.delivery": "Entrega",
    "col.latency": "Latência",
    "state.sent": "enviado",
    "state.pending": "pendente",
    "state.sending": "enviando",
    "state.failed": "falhou",
    "state.rejected": "rejeitado",
    "state.expired": "expirado",
    "state.superseded": "substituído",
    "footer.port": "Porta do EA",
    "footer.malformed": "quadros inválidos",
    "footer.live": "dados atualizados ao vivo (server-sent events)",
  },
};

const LANGUAGE_KEY = "mastersender.language";

function chooseLanguage() {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  if (saved && STRINGS[saved]) return saved;
  const preferred = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"];
  for (const tag of preferred) {
    const lower = String(tag).toLowerCase();
    if (lower.startsWith("pt")) return "pt-BR";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

let language = chooseLanguage();

/** The text for key in the page's language, with {0}, {1}… filled in. */
function t(key, ...args) {
  const text = STRINGS[language][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)]));
}

/** Puts the chosen language's words into every element marked data-i18n / data-i18n-title. */
function translatePage() {
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of document.querySelectorAll("[data-i18n-title]")) element.title = t(element.dataset.i18nTitle);
  const select = document.getElementById("lang");
  if (select) select.value = language;
}

function setLanguage(chosen) {
  if (!STRINGS[chosen]) return;
  language = chosen;
  localStorage.setItem(LANGUAGE_KEY, chosen);
  translatePage();
}
