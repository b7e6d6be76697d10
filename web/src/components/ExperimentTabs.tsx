import { NavLink } from 'react-router-dom';

/** The views of one experiment: its runs table, its runs' charts, its dashboard and its reports. */
export function ExperimentTabs({ experimentId }: { experimentId: string }) {
  const base = `/experiments/${encodeURIComponent(experimentId)}`;
  const tabClass = ({ isActive }: { isActive: boolean }) => (isActive ? 'active' : '');
  return (
    <div className="tabs" role="tablist">
      <NavLink to={base} end role="tab" className={tabClass}>
        Runs
      </NavLink>
      <NavLink to={`${base}/charts`} role="tab" className={tabClass} data-testid="charts-tab">
        Charts
      </NavLink>
      <NavLink to={`${base}/dashboard`} role="tab" className={tabClass} data-testid="dashboard-tab">
        Dashboard
      </NavLink>
      <NavLink to={`${base}/reports`} role="tab" className={tabClass} data-testid="reports-tab">
        Reports
      </NavLink>
    </div>
  );
}
