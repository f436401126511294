import DownloadOutlined from '@ant-design/icons/es/icons/DownloadOutlined';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Cell, csvFileName, downloadCsv, toCsv } from './csv';
import type { DateRange } from './range';

/** The 导出 CSV button of one table: the file is named for the journey, the table and the dates. */
export function ExportButton({
  journeyName,
  table,
  range,
  header,
  rows,
  testId,
}: {
  journeyName: string;
  /** the table's name in the file name */
  table: string;
  range: DateRange;
  header: string[];
  rows: () => Cell[][];
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Button
      size="small"
      icon={<DownloadOutlined />}
      data-testid={testId}
      onClick={() =>
        downloadCsv(csvFileName(journeyName, table, range.from, range.to), toCsv(header, rows()))
      }
    >
      {t('results.csv.export')}
    </Button>
  );
}
