package evidence

// AdvisoriesChecked holds when a directory's dependencies were matched
// against an advisory database, and does not when no database was at hand:
// "no known vulnerabilities" means nothing unless somebody looked.
const AdvisoriesChecked Property = "advisories-checked"
