/** Reads of the labeling backlog for the command side; the training feature binds it to the backlog's query. */
export const LABELING_BACKLOG_QUERY = Symbol('LABELING_BACKLOG_QUERY');

export interface LabelingBacklogReader {
  /** The examples of the tenant's open and claimed tasks (a claim past its lease included). */
  openTaskExampleIds(tenantId: string): Promise<Set<string>>;
}
