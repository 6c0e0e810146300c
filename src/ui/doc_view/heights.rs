//! Block heights with O(log n) prefix sums, updates and search (a Fenwick tree): "which block
//! is at y", "top of block i" and "change one height" stay fast with 400,000 blocks.

/// Heights of all blocks with O(log n) prefix sums, updates and search (a Fenwick tree).
#[derive(Clone, Debug, Default)]
pub(super) struct Heights {
    values: Vec<f64>,
    tree: Vec<f64>,
}

impl Heights {
    pub(super) fn new(values: Vec<f64>) -> Self {
        let mut tree = vec![0.0; values.len() + 1];
        // O(n) build: each node passes its sum on to its parent.
        for (i, &v) in values.iter().enumerate() {
            let j = i + 1;
            tree[j] += v;
            let parent = j + (j & j.wrapping_neg());
            if parent < tree.len() {
                let sum = tree[j];
                tree[parent] += sum;
            }
        }
        Self { values, tree }
    }

    pub(super) fn len(&self) -> usize {
        self.values.len()
    }

    pub(super) fn get(&self, i: usize) -> f64 {
        self.values[i]
    }

    pub(super) fn set(&mut self, i: usize, value: f64) {
        let delta = value - self.values[i];
        self.values[i] = value;
        let mut j = i + 1;
        while j < self.tree.len() {
            self.tree[j] += delta;
            j += j & j.wrapping_neg();
        }
    }

    /// Sum of heights of blocks `0..i` (the top of block `i`).
    pub(super) fn top(&self, i: usize) -> f64 {
        let mut sum = 0.0;
        let mut j = i.min(self.values.len());
        while j > 0 {
            sum += self.tree[j];
            j -= j & j.wrapping_neg();
        }
        sum
    }

    pub(super) fn total(&self) -> f64 {
        self.top(self.values.len())
    }

    /// The block containing content position `y` (clamped to the last block).
    pub(super) fn block_at(&self, y: f64) -> usize {
        if self.values.is_empty() {
            return 0;
        }
        let mut position = 0;
        let mut remaining = y;
        let mut step = (self.tree.len() - 1).next_power_of_two();
        while step > 0 {
            let next = position + step;
            if next < self.tree.len() && self.tree[next] <= remaining {
                position = next;
                remaining -= self.tree[next];
            }
            step /= 2;
        }
        position.min(self.values.len() - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenwick_heights() {
        let mut heights = Heights::new(vec![10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(heights.total(), 150.0);
        assert_eq!(heights.top(3), 60.0);
        assert_eq!(heights.block_at(0.0), 0);
        assert_eq!(heights.block_at(9.9), 0);
        assert_eq!(heights.block_at(10.0), 1);
        assert_eq!(heights.block_at(59.0), 2);
        assert_eq!(heights.block_at(149.0), 4);
        assert_eq!(heights.block_at(1000.0), 4);
        heights.set(1, 5.0);
        assert_eq!(heights.total(), 135.0);
        assert_eq!(heights.top(2), 15.0);
        assert_eq!(heights.block_at(14.0), 1);
        assert_eq!(heights.block_at(15.0), 2);
        let many = Heights::new((0..1000).map(|i| (i % 7 + 1) as f64).collect());
        let mut top = 0.0;
        for i in 0..1000 {
            assert_eq!(many.top(i), top);
            assert_eq!(many.block_at(top), i);
            top += (i % 7 + 1) as f64;
        }
    }
}
