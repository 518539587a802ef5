//! The one escaping function of every HTML and SVG writer: text and attribute values alike
//! (`&`, `<`, `>`, `"`, `'`).

/// Escapes text for HTML content and attribute values (SVG too).
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}
