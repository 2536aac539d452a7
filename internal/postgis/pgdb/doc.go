// Package pgdb is the core of spatlas's store: the connection pool ([Open]), the schema as
// embedded goose migrations ([DB.Migrate]), session advisory locks ([DB.Lock]), the data
// generation and readiness, and what every stage of the store shares: [Query] for a stage's
// embedded statements, [ExecAll] to run statements in order, the trivial statements ([Analyze],
// [Drop], [GistIndex], [DeleteEdition], [NoTimeout], [WorkMem]) and [AppError], which maps
// database errors to application errors.
package pgdb
