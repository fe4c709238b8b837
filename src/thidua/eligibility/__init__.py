"""Eligibility under the law: rule sets as data, a pure evaluator, a streaming database loader."""
