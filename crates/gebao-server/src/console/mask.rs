//! Contact points as staff see them by default: a phone number keeps its first three and
//! last four digits (138****1234), an e-mail address its first character and its domain
//! (a***@example.com). Seeing one in full needs a role that may unmask and a reason, and
//! is audited.

/// A phone number, masked.
pub fn phone(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len().max(4));
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// An e-mail address, masked.
pub fn email(e: &str) -> String {
    match e.rsplit_once('@') {
        Some((local, domain)) => {
            let first = local.chars().next().map(String::from).unwrap_or_default();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn masked() {
        assert_eq!(super::phone("13812341234"), "138****1234");
        assert_eq!(super::phone("+8613812341234"), "+86****1234");
        assert_eq!(super::phone("12345"), "*****");
        assert_eq!(super::email("alice@example.com"), "a***@example.com");
        assert_eq!(super::email("张三@例子.中国"), "张***@例子.中国");
        assert_eq!(super::email("nobody"), "***");
    }
}
