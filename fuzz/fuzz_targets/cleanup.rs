//! Any text through the clean-up step: proposals are whole code point ranges of the text showing
//! exactly what they remove, the body range is inside the text, and applying them never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let plan = spanwise::formats::cleanup::plan(text);
    let chars: Vec<char> = text.chars().collect();
    for proposal in &plan.proposals {
        assert!(proposal.range.start <= proposal.range.end && proposal.range.end <= chars.len());
        assert_eq!(chars[proposal.range.clone()].iter().collect::<String>(), proposal.removed);
    }
    assert!(plan.body.start <= plan.body.end && plan.body.end <= chars.len());
    let cleaned = plan.apply(text);
    assert!(cleaned.chars().count() <= chars.len());
    let mut moved = plan.clone();
    moved.set_body(text, chars.len() / 3..chars.len() / 2);
    let _ = moved.apply(text);
});
