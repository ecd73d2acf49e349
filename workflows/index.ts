export { registrationWorkflow } from './registration';
export { applicationRoleWorkflow } from './application-role';
