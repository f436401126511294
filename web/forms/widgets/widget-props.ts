/** What every config widget receives from the generated form: its value, a setter, read-only state and a test id. */
export interface WidgetProps<T> {
  value: T | undefined;
  onChange(v: T): void;
  disabled?: boolean;
  testId: string;
}
