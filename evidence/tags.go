package evidence

// TagPersonalRecord marks a route whose handler reads or writes records of
// people (users, accounts, customers, profiles, ...): its response model,
// return type or the model it queries is named so. init drafts such a
// surface with the model's user-data asset.
const TagPersonalRecord = "personal-record"
