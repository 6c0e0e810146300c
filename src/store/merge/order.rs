//! The order of a merged list (documents, labels, memos…): the relative order of the items both
//! sides have is taken from the side that changed it (a conflict if both did, differently); items
//! only one side has stay before the item they preceded there (at the end if none: appended items
//! stay appended), mine before theirs.

use std::collections::{HashMap, HashSet};

/// What the two sides' orders of one list were, and which to follow.
#[derive(Clone, Debug, Default)]
pub(crate) struct ListOrder {
    pub mine: Vec<String>,
    pub theirs: Vec<String>,
    /// Follow their relative order for the items both have.
    pub theirs_order: bool,
}

/// Whose relative order to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OrderDecision {
    /// Nobody changed it, or both the same way.
    Same,
    /// Only I changed it.
    Mine,
    /// Only they changed it.
    Theirs,
    /// Both changed it, differently (or there is no base and they differ).
    Conflict,
}

/// Decides whose relative order of the items both sides have to keep.
pub(crate) fn decide(base: Option<&[String]>, mine: &[String], theirs: &[String]) -> OrderDecision {
    let in_mine: HashSet<&str> = mine.iter().map(String::as_str).collect();
    let in_theirs: HashSet<&str> = theirs.iter().map(String::as_str).collect();
    let mine_common: Vec<&str> = mine.iter().map(String::as_str).filter(|k| in_theirs.contains(k)).collect();
    let theirs_common: Vec<&str> = theirs.iter().map(String::as_str).filter(|k| in_mine.contains(k)).collect();
    let Some(base) = base else {
        return if mine_common == theirs_common { OrderDecision::Same } else { OrderDecision::Conflict };
    };
    // Compare on the items all three have.
    let in_base: HashSet<&str> = base.iter().map(String::as_str).collect();
    let base_common: Vec<&str> =
        base.iter().map(String::as_str).filter(|k| in_mine.contains(k) && in_theirs.contains(k)).collect();
    let mine_changed = mine_common.iter().filter(|k| in_base.contains(*k)).ne(base_common.iter());
    let theirs_changed = theirs_common.iter().filter(|k| in_base.contains(*k)).ne(base_common.iter());
    match (mine_changed, theirs_changed) {
        (false, false) => OrderDecision::Same,
        (true, false) => OrderDecision::Mine,
        (false, true) => OrderDecision::Theirs,
        (true, true) if mine_common == theirs_common => OrderDecision::Same,
        (true, true) => OrderDecision::Conflict,
    }
}

/// The new order of the items `present` (keys, in their current order): indexes into `present`.
pub(crate) fn arrange(order: &ListOrder, present: &[String]) -> Vec<usize> {
    let index: HashMap<&str, usize> = present.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let in_mine: HashSet<&str> = order.mine.iter().map(String::as_str).collect();
    let in_theirs: HashSet<&str> = order.theirs.iter().map(String::as_str).collect();
    let common = |k: &str| in_mine.contains(k) && in_theirs.contains(k) && index.contains_key(k);
    let leading = if order.theirs_order { &order.theirs } else { &order.mine };
    // Items only one side has, before the shared item that follows them there (None: at the end).
    let mut before: Slots = HashMap::new();
    for (side, other, mine) in [(&order.mine, &in_theirs, true), (&order.theirs, &in_mine, false)] {
        let mut anchor = None;
        for key in side.iter().rev().map(String::as_str) {
            if common(key) {
                anchor = Some(key);
            } else if !other.contains(key) && index.contains_key(key) {
                let slot = before.entry(anchor).or_default();
                if mine { slot.0.push(key) } else { slot.1.push(key) }
            }
        }
    }
    let mut keys: Vec<&str> = Vec::with_capacity(present.len());
    for key in leading.iter().map(String::as_str).filter(|k| common(k)) {
        place(&mut before, Some(key), &mut keys);
        keys.push(key);
    }
    place(&mut before, None, &mut keys);
    let mut placed = vec![false; present.len()];
    let mut result = Vec::with_capacity(present.len());
    for key in keys {
        if let Some(&i) = index.get(key)
            && !placed[i]
        {
            placed[i] = true;
            result.push(i);
        }
    }
    // Anything neither side listed (cannot happen; kept rather than lost).
    result.extend((0..present.len()).filter(|&i| !placed[i]));
    result
}

type Slots<'k> = HashMap<Option<&'k str>, (Vec<&'k str>, Vec<&'k str>)>;

/// Puts the items waiting before `anchor` in place: mine, then theirs.
fn place<'k>(before: &mut Slots<'k>, anchor: Option<&'k str>, keys: &mut Vec<&'k str>) {
    if let Some((mine, theirs)) = before.remove(&anchor) {
        // Collected back to front.
        keys.extend(mine.into_iter().rev());
        keys.extend(theirs.into_iter().rev());
    }
}

/// Reorders `items` by [`arrange`].
pub(crate) fn apply<T>(items: &mut Vec<T>, order: &ListOrder, key: impl Fn(&T) -> String) {
    let present: Vec<String> = items.iter().map(&key).collect();
    let new_order = arrange(order, &present);
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(new_order.into_iter().filter_map(|i| slots[i].take()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &str) -> Vec<String> {
        list.split_whitespace().map(str::to_owned).collect()
    }

    fn arranged(mine: &str, theirs: &str, theirs_order: bool, present: &str) -> String {
        let order = ListOrder { mine: keys(mine), theirs: keys(theirs), theirs_order };
        let present = keys(present);
        arrange(&order, &present).into_iter().map(|i| present[i].clone()).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn items_added_on_both_sides_follow_their_neighbour_mine_first() {
        assert_eq!(arranged("a b x c", "a y b c", false, "c b a x y"), "a y b x c");
        assert_eq!(arranged("a b c x1 x2", "a b c y1 y2", false, "a b c y1 y2 x1 x2"), "a b c x1 x2 y1 y2");
        assert_eq!(arranged("x a b", "y a b", false, "a b x y"), "x y a b");
    }

    #[test]
    fn their_order_of_shared_items_when_chosen() {
        assert_eq!(arranged("a b c x", "c b a", true, "a b c x"), "c b a x");
        assert_eq!(arranged("a x b c", "c b a", true, "a b c x"), "c x b a");
        // Deleted items are simply absent.
        assert_eq!(arranged("a b c", "c b a", true, "a c"), "c a");
    }

    #[test]
    fn who_changed_the_order() {
        let base = keys("a b c d");
        assert_eq!(decide(Some(&base), &keys("a b c d x"), &keys("b a c")), OrderDecision::Theirs);
        assert_eq!(decide(Some(&base), &keys("d a b c"), &keys("a b c d y")), OrderDecision::Mine);
        assert_eq!(decide(Some(&base), &keys("d a b c"), &keys("d a b c")), OrderDecision::Same);
        assert_eq!(decide(Some(&base), &keys("a c b"), &keys("a b c")), OrderDecision::Mine);
        assert_eq!(decide(Some(&base), &keys("d a b c"), &keys("b a c d")), OrderDecision::Conflict);
        assert_eq!(decide(None, &keys("a b"), &keys("b a")), OrderDecision::Conflict);
        assert_eq!(decide(None, &keys("a b x"), &keys("a y b")), OrderDecision::Same);
    }
}
